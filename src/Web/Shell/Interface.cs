using System.Text.Encodings.Web;
using System.Text.Unicode;
using ItSchool.Schools;

namespace ItSchool.Web.Shell;

/// <summary>Server-rendered HTML: Razor components for pages and fragments, localized (see <see cref="Languages"/>), with antiforgery.</summary>
public static class Interface
{
    public static void AddInterface(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        // French pages: "é" stays "é" in the HTML instead of "&#xE9;".
        builder.Services.AddWebEncoders(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        // Each request's language is chosen after authentication: see Languages.
        builder.Services.AddSingleton<LanguageDirectory>();
        builder.Services.AddElision();
        // htmx sends the token in this header (see wwwroot/js/site.js); plain forms send it as a field.
        builder.Services.AddAntiforgery(options => options.HeaderName = "RequestVerificationToken");
        // Browsers ask for the icons with every page they open: a week in their cache spares those requests.
        builder.Services.Configure<StaticFileOptions>(options => options.OnPrepareResponse = file =>
        {
            if (file.File.Name is "favicon.svg" or "favicon.ico" or "apple-touch-icon.png")
            {
                file.Context.Response.Headers.CacheControl = "public, max-age=604800";
            }
        });
    }

    public static void UseInterface(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseRouting();
    }
}