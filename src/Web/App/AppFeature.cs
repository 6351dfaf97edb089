using ItSchool.Web.Shell;

namespace ItSchool.Web.App;

/// <summary>
/// The installable app: each school installs as its own app from its own address (/e/{school}/ or its host),
/// with its manifest, its service worker (static files and an offline page, never a page with someone's data)
/// and a page that says how to put it on a phone's home screen. Every school has it: no module.
/// </summary>
public sealed class AppFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder) => builder.Services.AddSingleton<AppAssets>();

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapManifest();
        school.MapServiceWorker();
        // Open to everyone: the steps hold no one's data, and a parent may install before signing in.
        school.MapGet("/installer", () => new RazorComponentResult<InstallPage>());
    }
}