using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.App;

/// <summary>The installable app in Chromium: its manifest, its service worker, the offline page and the install page.</summary>
public sealed class AppBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    /// <summary>Every address in the origin's caches (every school's worker keeps its own), as a path.</summary>
    const string CachedPaths = """
        async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    paths.push(new URL(request.url).pathname + new URL(request.url).search);
                }
            }
            return paths;
        }
        """;

    [Fact]
    public async Task The_worker_registers_keeps_no_page_and_without_network_a_page_shows_the_offline_page()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await Assertions.Expect(page.Locator("head link[rel=manifest]")).ToHaveAttributeAsync("href", "manifest.webmanifest");
        var manifest = await page.EvaluateAsync<string>(
            "() => fetch(document.querySelector('link[rel=manifest]').href).then(answer => answer.json()).then(manifest => manifest.scope)");
        Assert.Equal("/e/demo/", manifest);

        // Ready once a worker is active for the page's address: installed, so its cache is filled.
        var scope = await page.EvaluateAsync<string>("() => navigator.serviceWorker.ready.then(registration => registration.scope)");
        Assert.Equal(web.DemoSchool.ToString(), scope);
        var cached = await page.EvaluateAsync<string[]>(CachedPaths);
        Assert.Contains("/e/demo/hors-ligne", cached);
        Assert.Contains("/e/demo/css/site.css", cached);
        Assert.Contains("/e/demo/js/site.js", cached);
        Assert.DoesNotContain(cached, path => path.Contains("tableau-de-bord"));
        Assert.All(cached, path => Assert.Matches(@"^(/e/demo/(css|js|lib|icons)/[\w.-]+\.(css|js|png)|/e/demo/hors-ligne|/favicon\.(ico|svg)|/apple-touch-icon\.png)$", path));

        var dashboard = new Uri(web.DemoSchool, "tableau-de-bord").ToString();
        await page.Context.SetOfflineAsync(true);
        await page.GotoAsync(dashboard);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vous êtes hors ligne" })).ToBeVisibleAsync();
        Assert.Equal(dashboard, page.Url);
        // In the school's layout, its styles from the worker's cache (site.css's --ground behind the page).
        await Assertions.Expect(page.Locator(".bare-school")).ToHaveTextAsync("École de démo");
        Assert.Equal("rgb(243, 245, 248)", await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor"));
        var retry = page.GetByRole(AriaRole.Link, new() { Name = "Réessayer" });
        await Assertions.Expect(retry).ToHaveAttributeAsync("href", dashboard);
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Marc");
        await Screens.SaveAsync(page, "app-offline");

        await page.Context.SetOfflineAsync(false);
        await retry.ClickAsync();
        await page.WaitForDashboardAsync();
        await Assertions.Expect(page.Locator(".topbar")).ToContainTextAsync("Marc");
        Assert.DoesNotContain(await page.EvaluateAsync<string[]>(CachedPaths), path => path.Contains("tableau-de-bord"));
    }

    [Fact]
    public async Task The_install_page_shows_the_steps_and_the_install_button_only_when_the_browser_offers_its_prompt()
    {
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.DemoSchool, "installer").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Installer l'application" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "iPhone et iPad" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Choisissez « Ajouter à l'écran d'accueil »")).ToBeVisibleAsync();
        var install = page.GetByRole(AriaRole.Button, new() { Name = "Installer", Exact = true });
        await Assertions.Expect(install).ToBeHiddenAsync();
        await Screens.SaveAsync(page, "app-install");

        // Headless Chromium never finds the page installable: the test plays the browser's part with its event.
        await page.EvaluateAsync("""
            () => {
                const offer = new Event("beforeinstallprompt", { cancelable: true });
                offer.prompt = () => { window.promptShown = true; };
                offer.userChoice = Promise.resolve({ outcome: "accepted" });
                window.dispatchEvent(offer);
            }
            """);
        await Assertions.Expect(install).ToBeVisibleAsync();
        await install.ClickAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.promptShown === true"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("L'application est installée sur cet appareil.");
        await Assertions.Expect(install).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_signed_in_person_finds_the_install_page_from_my_access()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", options: new() { Locale = "fr-BE", ViewportSize = new() { Width = 390, Height = 844 } });
        await page.GotoAsync(new Uri(web.DemoSchool, "mon-acces").ToString());
        await Screens.SaveAsync(page, "app-my-access");
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir comment" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/installer");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Android" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "app-install-signed-in");
    }
}