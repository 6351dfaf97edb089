using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>
/// Screenshots for a person to look at, at the desktop and phone widths: only when ITSCHOOL_SCREENSHOTS names
/// a folder (a review run), never in an ordinary run.
/// </summary>
public static class Screens
{
    static string? Folder => Environment.GetEnvironmentVariable("ITSCHOOL_SCREENSHOTS") is { Length: > 0 } folder ? folder : null;

    /// <summary>A generated file (a PDF to render with pdftoppm), kept beside the screenshots.</summary>
    public static async Task SaveFileAsync(string fileName, byte[] content)
    {
        if (Folder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, fileName), content);
        }
    }

    public static async Task SaveAsync(IPage page, string name)
    {
        if (Folder is not { } folder)
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