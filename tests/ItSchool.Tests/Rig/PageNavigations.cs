using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>
/// Waiting for a page to arrive somewhere, and, when it never does, saying where it is instead and which
/// documents it was answered on the way: a browser test that times out otherwise says only "30000ms exceeded".
/// </summary>
public static class PageNavigations
{
    static readonly ConditionalWeakTable<IPage, ConcurrentQueue<string>> Documents = new();

    /// <summary>Keeps the answers to the page's navigations (status, method, address) for <see cref="WaitForAsync"/>'s message.</summary>
    public static IPage Recorded(this IPage page)
    {
        var documents = Documents.GetValue(page, _ => new ConcurrentQueue<string>());
        page.Response += (_, response) =>
        {
            if (response.Request.IsNavigationRequest)
            {
                documents.Enqueue($"{response.Status} {response.Request.Method} {new Uri(response.Url).PathAndQuery}");
            }
        };
        return page;
    }

    public static Task WaitForDashboardAsync(this IPage page) => page.WaitForAsync("**/tableau-de-bord");

    /// <summary>Where a sign-in leads: a teacher to their meeting grids, a canteen operator to the till, others to the dashboard.</summary>
    public static Task WaitForLandingAsync(this IPage page, string userName) => page.WaitForAsync(userName switch
    {
        "sophie.martin" or "julien.peeters" => "**/reunions/mes-grilles",
        "karim.benali" => "**/caisse",
        _ => "**/tableau-de-bord",
    });

    public static async Task WaitForAsync(this IPage page, string url)
    {
        try
        {
            await page.WaitForURLAsync(url);
        }
        catch (TimeoutException timeout)
        {
            var heading = await page.Locator("h1").First.TextContentAsync(new() { Timeout = 2_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
            var alerts = await page.Locator("[role=alert]").AllTextContentsAsync().ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []);
            var documents = Documents.TryGetValue(page, out var seen) ? string.Join(" → ", seen) : "not recorded";
            throw new TimeoutException($"The page never reached {url}. It is at {new Uri(page.Url).PathAndQuery} " +
                $"(heading \"{heading?.Trim()}\", alerts [{string.Join(" | ", alerts.Select(a => a.Trim()))}]); documents answered: {documents}",
                timeout);
        }
    }
}