using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>
/// Screenshots for a person to look at, at the desktop and phone widths: only when ITSCHOOL_SCREENSHOTS names
/// a folder (a review run), never in an ordinary run.
/// </summary>
public static class Screens
{
    public static async Task SaveAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("ITSCHOOL_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        var size = page.ViewportSize;
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width == 390 ? 844 : 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}.png"), FullPage = true });
        }
        if (size is not null)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
    }
}