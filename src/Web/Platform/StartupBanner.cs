using ItSchool.Platform.Database;
using ItSchool.Schools;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ItSchool.Web.Platform;

/// <summary>What a newcomer needs on the console once the app listens: where to go, and how to sign in.</summary>
public static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        if (!app.Services.GetRequiredService<InstallationSettings>().Demo)
        {
            return;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "";
        var local = app.Services.GetService<LocalPostgres>();
        var port = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : 5080;
        var accounts = string.Join("\n", DemoSchool.Accounts.Select(a => $"    {a.UserName,-16} {a.Role,-8} {a.FirstName} {a.LastName}"));
        app.Logger.LogInformation("""

            ItSchool is running at {Url} in DEMO MODE: demo school, published passwords and keys, test payments.
              Never use it with real data; for a real school see "Run it for a real school" in the README.
              Demo school: {Url}/e/{Slug}/  (or http://{Host}:{Port}/)
              Demo accounts (password {Password}):
            {Accounts}
              Database: {Database}
            """,
            url, url, DemoSchool.Slug, DemoSchool.Host, port, DemoSchool.Password, accounts,
            local is null ? "the configured ConnectionStrings:ItSchool" : $"local PostgreSQL in {local.DataDirectory}");
    }
}