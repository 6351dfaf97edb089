using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
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

    /// <summary>Waits until the page's address matches the glob (<c>**</c> any characters, <c>*</c> any but a slash) and its document has loaded.</summary>
    public static Task WaitForAsync(this IPage page, string url) => page.WaitForAsync(url, GlobToRegex(url));

    public static Task WaitForAsync(this IPage page, Regex url) => page.WaitForAsync(url.ToString(), url.ToString());

    // Not WaitForURLAsync: Playwright .NET checks the load state and subscribes to its event in two steps on different
    // threads, and a `load` arriving in between is lost, so the wait times out on a page long loaded
    // (microsoft/playwright-dotnet#3364). Nor WaitForFunctionAsync: it polls with the page's own timers, which never
    // fire in a context without script, so a first look taken while the document loads is its last. Asked from here,
    // the question is put again after every navigation, script or not.
    static async Task WaitForAsync(this IPage page, string shown, string pattern)
    {
        var url = new Regex(pattern);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(url.IsMatch(page.Url) && await IsLoadedAsync(page)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw await NeverReachedAsync(page, shown);
            }
            await Task.Delay(50);
        }
    }

    static async Task<TimeoutException> NeverReachedAsync(IPage page, string shown)
    {
        var heading = await page.Locator("h1").First.TextContentAsync(new() { Timeout = 2_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        var alerts = await page.Locator("[role=alert]").AllTextContentsAsync().ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []);
        var documents = Documents.TryGetValue(page, out var seen) ? string.Join(" → ", seen) : "not recorded";
        return new TimeoutException($"The page never reached {shown} in 30 s. It is at {new Uri(page.Url).PathAndQuery} " +
            $"(heading \"{heading?.Trim()}\", alerts [{string.Join(" | ", alerts.Select(a => a.Trim()))}]); documents answered: {documents}");
    }

    static async Task<bool> IsLoadedAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("document.readyState") == "complete";
        }
        catch (PlaywrightException)
        {
            // The document went away under the question (a navigation): the next look asks the new one.
            return false;
        }
    }

    static string GlobToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                pattern.Append(".*");
                i++;
            }
            else
            {
                pattern.Append(glob[i] == '*' ? "[^/]*" : Regex.Escape(glob[i].ToString()));
            }
        }
        return pattern.Append('$').ToString();
    }
}