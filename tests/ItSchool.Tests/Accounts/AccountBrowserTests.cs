using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Accounts;

public sealed class AccountBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task An_invited_parent_follows_the_mail_link_sets_a_password_and_lands_on_the_childs_dashboard()
    {
        var school = new School(DemoSchool.Id, DemoSchool.Slug, "École de démo", DemoSchool.Host);
        var marc = (await web.Services.GetRequiredService<AccountDirectory>().FindByEmailAsync(DemoSchool.Id, "marc.dubois@example.be")).Single();
        await web.Services.GetRequiredService<AccountMails>().SendInvitationAsync(school, marc, web.DemoSchool.ToString());
        var link = MailLinks.FirstConnectionIn(await web.Mail.WaitForMailToAsync("marc.dubois@example.be"));

        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Première connexion" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Jeton de connexion")).Not.ToBeEmptyAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuer" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Nom d'utilisateur : marc.dubois")).ToBeVisibleAsync();
        await page.GetByLabel("Nouveau mot de passe").FillAsync("Gembloux-2026");
        await page.GetByLabel("Confirmez le mot de passe").FillAsync("Gembloux-2025");
        await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Les deux mots de passe ne sont pas identiques.");

        await page.GetByLabel("Nouveau mot de passe").FillAsync("Gembloux-2026");
        await page.GetByLabel("Confirmez le mot de passe").FillAsync("Gembloux-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/tableau-de-bord");
        await Assertions.Expect(page.GetByText("Bienvenue, Marc (Chloé)")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_parent_resets_a_forgotten_password_then_switches_between_her_three_children()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Mot de passe oublié ?" }).ClickAsync();
        await page.GetByLabel("Adresse e-mail").FillAsync("amelie.lefevre@example.be");
        await page.GetByRole(AriaRole.Button, new() { Name = "Recevoir un nouveau jeton" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Si cette adresse est connue de l'école");

        await page.GotoAsync(MailLinks.FirstConnectionIn(await web.Mail.WaitForMailToAsync("amelie.lefevre@example.be")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuer" }).ClickAsync();
        await page.GetByLabel("Nouveau mot de passe").FillAsync("Wavre-2026-ok");
        await page.GetByLabel("Confirmez le mot de passe").FillAsync("Wavre-2026-ok");
        await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();

        await page.WaitForAsync("**/e/demo/comptes");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Liste des comptes" })).ToBeVisibleAsync();
        var accounts = page.Locator(".account-card");
        await Assertions.Expect(accounts).ToHaveCountAsync(3);

        await accounts.Filter(new() { HasText = "Geneviève" }).GetByRole(AriaRole.Button, new() { Name = "Se connecter avec ce compte" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Bienvenue, Amélie (Geneviève)")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".child-account h2")).ToHaveTextAsync("Geneviève Lefèvre");

        await page.GetByText("Bienvenue, Amélie (Geneviève)").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Changer d'utilisateur" }).ClickAsync();
        await page.Locator(".account-card").Filter(new() { HasText = "Benoît" })
            .GetByRole(AriaRole.Button, new() { Name = "Se connecter avec ce compte" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Bienvenue, Amélie (Benoît)")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".child-account")).ToContainTextAsync("Classe 6A");

        await page.GetByText("Bienvenue, Amélie (Benoît)").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Déconnexion" }).ClickAsync();
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync("amelie.lefevre");
        await page.GetByLabel("Mot de passe").FillAsync("Wavre-2026-ok");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/comptes");
    }
}