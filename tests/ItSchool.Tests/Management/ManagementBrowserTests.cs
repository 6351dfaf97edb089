using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Management;

public sealed partial class ManagementBrowserTests(WebNode.WithOutboxOnly web, Chromium chromium) : IClassFixture<WebNode.WithOutboxOnly>, IClassFixture<Chromium>
{
    const string Csv = """
        matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent
        NAV-1;Yasmine;Haddad;2B;Sofia;Haddad;sofia.haddad@example.be
        NAV-2;Adam;Haddad;5A;Sofia;Haddad;sofia.haddad@example.be
        """;

    [Fact]
    public async Task The_manager_imports_a_family_invites_the_parent_who_follows_the_mail_to_the_first_connection()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync("claire.dupont");
        await page.GetByLabel("Mot de passe").FillAsync(DemoSchool.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Import", Exact = true }).ClickAsync();
        await page.GetByLabel("Fichier CSV").SetInputFilesAsync(new FilePayload
        {
            Name = "eleves.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(Csv),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Prévisualiser" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Voici ce que l'import du fichier « eleves.csv » va faire.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.plan-pupils tr[data-change=Create]")).ToHaveCountAsync(2);
        var newParent = page.Locator("table.plan-parents tbody tr");
        await Assertions.Expect(newParent).ToHaveCountAsync(1);
        await Assertions.Expect(newParent).ToContainTextAsync("Sofia Haddad");
        await Assertions.Expect(newParent).ToContainTextAsync("Nouveau compte");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer l'import" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Import terminé")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.plan-parents")).ToContainTextAsync("sofia.haddad");
        await page.GetByRole(AriaRole.Link, new() { Name = "Inviter les nouveaux parents" }).ClickAsync();

        var row = page.Locator("tr", new() { HasText = "sofia.haddad" });
        await Assertions.Expect(row).ToContainTextAsync("Yasmine Haddad (2B)");
        await Assertions.Expect(row).ToContainTextAsync("Jamais invité");
        await row.GetByRole(AriaRole.Button, new() { Name = "Envoyer l'invitation" }).ClickAsync();
        // htmx swaps the row in place: the page does not reload, the row shows the new status.
        await Assertions.Expect(row).ToContainTextAsync("Invitation envoyée");
        await Assertions.Expect(row).ToContainTextAsync(new Regex(@"Invité le \d{1,2}/\d{2}/\d{4}"));
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Renvoyer" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Courriels" }).ClickAsync();
        var mail = page.Locator("tr", new() { HasText = "sofia.haddad@example.be" });
        await Assertions.Expect(mail).ToContainTextAsync("En attente");
        await mail.GetByRole(AriaRole.Link, new() { Name = "École de démo : votre accès au portail" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "École de démo : votre accès au portail" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mail-body")).ToContainTextAsync("Nom d'utilisateur : sofia.haddad");
        await page.Locator(".mail-body a[href*='premiere-connexion']").ClickAsync();

        await page.WaitForAsync(new Regex("/e/demo/premiere-connexion\\?jeton="));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Première connexion" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Jeton de connexion")).ToHaveValueAsync(TokenShape());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuer" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Nom d'utilisateur : sofia.haddad")).ToBeVisibleAsync();
    }

    [GeneratedRegex("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")]
    private static partial Regex TokenShape();
}