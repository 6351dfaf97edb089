using ItSchool.Legal;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.Legal;

public sealed class LegalBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_who_has_not_accepted_the_current_terms_reads_and_accepts_them_before_the_dashboard()
    {
        var texts = web.Services.GetRequiredService<LegalTexts>();
        var current = (await texts.CurrentAsync(DemoSchool.Id, LegalKind.Terms))!;
        var version = await texts.PublishAsync(DemoSchool.Id, LegalKind.Terms,
            current.Texts.ToDictionary(t => t.Key, t => t.Value + "\n\n# Nouveauté\nLes photos de classe se commandent dans le portail."),
            (await texts.FirstManagerAsync(DemoSchool.Id))!.Value, web.Clock.GetUtcNow());
        var marc = await MarcAsync();

        var page = await chromium.SignInAsync(web, "marc.dubois");

        await page.WaitForAsync("**/conditions-utilisation/accepter?retour=*");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Avant de continuer" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Conditions générales d'utilisation" }))
            .ToContainTextAsync("Les photos de classe se commandent dans le portail.");
        await Assertions.Expect(page.GetByText($"(version {version} du ")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Lire la politique de protection des données (nouvel onglet)" }))
            .ToHaveAttributeAsync("href", "protection-des-donnees");
        await Screens.SaveAsync(page, "legal-accept");
        Assert.Null(await texts.AcceptedAtAsync(DemoSchool.Id, marc, version));

        await page.GetByRole(AriaRole.Button, new() { Name = "J'accepte" }).ClickAsync();

        await page.WaitForDashboardAsync();
        await Assertions.Expect(page.Locator(".site-footer").GetByRole(AriaRole.Link, new() { Name = "Conditions générales d'utilisation" })).ToBeVisibleAsync();
        Assert.NotNull(await texts.AcceptedAtAsync(DemoSchool.Id, marc, version));

        await page.Locator(".site-footer").GetByRole(AriaRole.Link, new() { Name = "Politique de protection des données" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/protection-des-donnees");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vos droits" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "legal-privacy-signed-in");
    }

    [Fact]
    public async Task The_legal_pages_read_signed_out_and_the_manager_edits_them()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        await Screens.SaveAsync(page, "legal-sign-in");
        await page.Locator(".legal-links").GetByRole(AriaRole.Link, new() { Name = "Conditions générales d'utilisation" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/conditions-utilisation");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Portefeuille, paiements et factures" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "legal-terms");
        await page.GotoAsync(new Uri(web.DemoSchool, "protection-des-donnees").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Les allergies sont des données de santé" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "legal-privacy");

        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Gérer les textes légaux" }).ClickAsync();
        await manager.WaitForAsync("**/gestion/conditions-utilisation");
        await Assertions.Expect(manager.GetByLabel("Texte en néerlandais")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Algemene|Onderwerp"));
        await Screens.SaveAsync(manager, "legal-admin");
    }

    async Task<Guid> MarcAsync()
    {
        await using var command = web.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("SELECT id FROM users WHERE school_id = @school AND user_name = 'marc.dubois'");
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}