using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>
/// axe-core, as Deque.AxeCore ships it, run in the page's one frame. The package's own <c>RunAxe</c> runs axe frame by
/// frame and then finishes in a blank page it opens for every call: 2–3 s a page, most of the accessibility tests' time.
/// ItSchool's pages have no frames (checked at each run), so axe's single-frame run sees the whole page.
/// </summary>
public static class Axe
{
    static readonly Lazy<string> Source = new(() =>
    {
        using var resource = typeof(AxeResult).Assembly.GetManifestResourceStream("Deque.AxeCore.Commons.Resources.axe.min.js")
            ?? throw new InvalidOperationException("Deque.AxeCore.Commons no longer ships axe.min.js where it did.");
        return new StreamReader(resource).ReadToEnd();
    });

    // Only the violations' elements come back: a run also describes every passing element, with its HTML, unless told not to.
    const string Run = """
        async ([element, seriousOnly]) => {
          const result = await axe.run(element ?? document, { resultTypes: ['violations'] });
          return result.violations
            .filter(rule => !seriousOnly || rule.impact === 'serious' || rule.impact === 'critical')
            .flatMap(rule => rule.nodes.map(node => `${rule.impact} ${rule.id} (${rule.help}) at ${node.target.join(' ')} `
              + (node.html.length <= 160 ? node.html : node.html.slice(0, 160) + '…')));
        }
        """;

    /// <summary>Each element with a violation of impact serious or critical on the page: "impact rule (help) at selector html".</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(this IPage page)
    {
        await InjectAsync(page);
        return await page.EvaluateAsync<string[]>(Run, new object?[] { null, true });
    }

    /// <summary>Fails with every serious or critical violation on the page, and its address.</summary>
    public static async Task NoSeriousViolationAsync(this IPage page)
    {
        var blocking = await page.SeriousViolationsAsync();
        Assert.True(blocking.Count == 0, $"{page.Url}: {string.Join("\n", blocking)}");
    }

    /// <summary>Each element with a violation of any impact within this one.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(this ILocator element)
    {
        await InjectAsync(element.Page);
        return await element.EvaluateAsync<string[]>("element => (" + Run + ")([element, false])");
    }

    static async Task InjectAsync(IPage page)
    {
        Assert.True(page.Frames.Count == 1, $"{page.Url} has frames, which this single-frame axe run would not see into.");
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Source.Value);
        }
    }
}