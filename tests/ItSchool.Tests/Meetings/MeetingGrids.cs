using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Meetings;

/// <summary>The meeting pages as the browser tests open and read them.</summary>
public static class MeetingGrids
{
    /// <summary>Signed in (in <paramref name="child"/>'s account for a parent of several) on a page whose grids watch their timetables live.</summary>
    public static async Task<IPage> OpenMeetingPageAsync(this Chromium chromium, WebNode web, string userName, string? child, string path,
        BrowserNewContextOptions? options = null)
    {
        var page = await chromium.SignInToDashboardAsync(web, userName, child, options);
        await page.GotoAsync(new Uri(web.DemoSchool, path).ToString());
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-meetings", "watching");
        return page;
    }

    public static ILocator Slot(IPage page, int slot) => page.Locator($".timetable .slot[data-slot='{slot}']");
}