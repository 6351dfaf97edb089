using System.Globalization;
using System.Text.Json;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.App;

/// <summary>
/// The web app manifest of the request's school. Its start address and scope are the school's own address, so
/// two schools of one installation install as two apps, each opening on its own pages.
/// </summary>
public static class WebAppManifest
{
    /// <summary>site.css's <c>--accent</c>: the browser's bar and the installed app's title bar.</summary>
    public const string ThemeColour = "#1f6feb";

    /// <summary>site.css's <c>--ground</c>: the splash screen behind the icon while the app starts.</summary>
    public const string BackgroundColour = "#f3f5f8";

    public const string ContentType = "application/manifest+json";

    /// <summary>The icons in wwwroot/icons, drawn from favicon.svg; the maskable one keeps the logo in the middle 80 %.</summary>
    public static readonly IReadOnlyList<(string File, int Size, string Purpose)> Icons =
    [
        ("icons/icon-192.png", 192, "any"),
        ("icons/icon-512.png", 512, "any"),
        ("icons/icon-maskable-512.png", 512, "maskable"),
    ];

    const int ShortNameLength = 15;

    public static void MapManifest(this RouteGroupBuilder school) =>
        school.MapGet("/manifest.webmanifest", (HttpContext context, IStringLocalizer<AppText> text) =>
        {
            var school = context.School()!;
            var home = $"{context.Request.PathBase}/";
            var manifest = new Manifest(
                Id: home,
                Name: school.Name,
                ShortName: ShortName(school.Name),
                Description: text["Manifest.Description", school.Name],
                Lang: CultureInfo.CurrentUICulture.Name,
                StartUrl: home,
                Scope: home,
                Display: "standalone",
                ThemeColor: ThemeColour,
                BackgroundColor: BackgroundColour,
                Icons: [.. Icons.Select(icon => new ManifestIcon(home + icon.File, $"{icon.Size}x{icon.Size}", "image/png", icon.Purpose))]);
            // A renamed school shows its new name at the browser's next look.
            context.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Text(JsonSerializer.Serialize(manifest, JsonOptions), ContentType);
        });

    /// <summary>
    /// The name under the icon on a home screen, where about a dozen characters show: the name itself when it
    /// is short, otherwise its initials as Belgian schools are commonly called ("Institut Saint-Joseph": ISJ).
    /// </summary>
    public static string ShortName(string name)
    {
        if (name.Length <= ShortNameLength)
        {
            return name;
        }
        // "d'Uccle" counts as "Uccle"; "de", "la" and "du" are not initials.
        var words = name.Split([' ', '-', '\'', '’'], StringSplitOptions.RemoveEmptyEntries);
        var initials = string.Concat(words.Where(word => char.IsUpper(word[0])).Select(word => word[0]));
        return initials.Length >= 2 ? initials : name[..ShortNameLength].TrimEnd();
    }

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    sealed record Manifest(
        string Id, string Name, string ShortName, string Description, string Lang, string StartUrl, string Scope, string Display,
        string ThemeColor, string BackgroundColor, IReadOnlyList<ManifestIcon> Icons);

    sealed record ManifestIcon(string Src, string Sizes, string Type, string Purpose);
}