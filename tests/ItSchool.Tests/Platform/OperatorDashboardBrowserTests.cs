using ItSchool.Tests.Operators;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Platform;

public sealed class OperatorDashboardBrowserTests(DashboardNode web, Chromium chromium) : IClassFixture<DashboardNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_operator_follows_the_link_on_their_page_to_the_running_dashboard()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.BaseAddress, "/plateforme/orleans/index.html").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connexion" })).ToBeVisibleAsync();

        await page.GotoAsync((await web.SetupLinkAsync()).ToString());
        await page.GetByLabel("Prénom").FillAsync("Olivia");
        await page.GetByLabel("Nom", new() { Exact = true }).FillAsync("Operat");
        await page.GetByLabel("Adresse e-mail").FillAsync("olivia@plateforme.example.be");
        await page.GetByLabel("Nom d'utilisateur").FillAsync("ops");
        await page.GetByLabel("Nouveau mot de passe").FillAsync(PlatformClient.Password);
        await page.GetByLabel("Confirmez le mot de passe").FillAsync(PlatformClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Tableau de bord Orleans" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "platform-dashboard-link");

        await page.GetByRole(AriaRole.Link, new() { Name = "Tableau de bord Orleans" }).ClickAsync();
        await page.WaitForAsync("**/plateforme/orleans**");
        // The dashboard's own script drew the cluster from its API, which answered this session.
        await Assertions.Expect(page.GetByText("Silos", new() { Exact = false }).First).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "platform-dashboard");
    }
}