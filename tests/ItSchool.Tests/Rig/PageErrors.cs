using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>What a page reports going wrong — script errors, and console errors and warnings (htmx reports its own there) — for a test to find none.</summary>
public static class PageErrors
{
    public static IPage CollectErrorsInto(this IPage page, ConcurrentQueue<string> errors)
    {
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                errors.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Enqueue($"{page.Url}: script error {error}");
        return page;
    }
}