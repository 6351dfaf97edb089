using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Web;

public sealed class ShellBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_signs_in_in_Chromium_and_the_page_connects_to_the_live_hub()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();

        await page.GotoAsync(new Uri(web.DemoSchool, "tableau-de-bord").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync("marc.dubois");
        await page.GetByLabel("Mot de passe").FillAsync(DemoSchool.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();

        await page.WaitForAsync("**/e/demo/tableau-de-bord");
        await Assertions.Expect(page.GetByText("Bienvenue, Marc (Chloé)")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".child-account h2")).ToHaveTextAsync("Chloé Dubois");
        // site.js marks the body once the SignalR connection to the live hub is established.
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Tableau de bord" })).ToHaveClassAsync("current");
        // Demo mode says so on every page.
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("MODE DÉMO");
        await Screens.SaveAsync(page, "demo-dashboard");
    }
}