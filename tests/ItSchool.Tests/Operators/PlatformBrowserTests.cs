using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Operators;

/// <summary>A new installation as its operator and the first school's manager go through it, in Chromium.</summary>
public sealed class PlatformBrowserTests(ProductionNode web, Chromium chromium) : IClassFixture<ProductionNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_operator_creates_their_account_and_a_school_whose_manager_signs_in_through_the_invitation()
    {
        await using var operatorContext = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var ops = (await operatorContext.NewPageAsync()).Recorded();
        await ops.GotoAsync((await web.SetupLinkAsync()).ToString());
        await Assertions.Expect(ops.GetByRole(AriaRole.Heading, new() { Name = "Créer le compte de l'opérateur" })).ToBeVisibleAsync();
        await ops.GetByLabel("Prénom").FillAsync("Olivia");
        await ops.GetByLabel("Nom", new() { Exact = true }).FillAsync("Operat");
        await ops.GetByLabel("Adresse e-mail").FillAsync("olivia@plateforme.example.be");
        await ops.GetByLabel("Nom d'utilisateur").FillAsync("olivia");
        await ops.GetByLabel("Nouveau mot de passe").FillAsync(PlatformClient.Password);
        await ops.GetByLabel("Confirmez le mot de passe").FillAsync(PlatformClient.Password);
        await ops.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();

        await Assertions.Expect(ops.GetByRole(AriaRole.Status)).ToContainTextAsync("Votre compte d'opérateur est créé");
        await Screens.SaveAsync(ops, "platform-schools-empty");
        await ops.GetByRole(AriaRole.Link, new() { Name = "Créer une école" }).ClickAsync();
        await ops.GetByLabel("Nom de l'école").FillAsync("Institut Saint-Luc");
        await ops.GetByLabel("Identifiant dans l'adresse").FillAsync("saint-luc");
        await ops.GetByLabel("Adresse postale").FillAsync("Rue de la Loi 16, 1000 Bruxelles");
        await ops.GetByLabel("IBAN").FillAsync("BE71 0961 2345 6769");
        await ops.GetByLabel("Relevés bancaires").UncheckAsync();
        var firstManager = ops.Locator("section.card").Filter(new() { HasText = "Premier gestionnaire" });
        await firstManager.GetByLabel("Prénom").FillAsync("Nadia");
        await firstManager.GetByLabel("Nom", new() { Exact = true }).FillAsync("Janssens");
        await firstManager.GetByLabel("Adresse e-mail").FillAsync("direction@saint-luc.example.be");
        await Screens.SaveAsync(ops, "platform-new-school");
        await ops.GetByRole(AriaRole.Button, new() { Name = "Créer l'école et inviter le gestionnaire" }).ClickAsync();

        await Assertions.Expect(ops.GetByRole(AriaRole.Heading, new() { Name = "Institut Saint-Luc" })).ToBeVisibleAsync();
        await Assertions.Expect(ops.GetByRole(AriaRole.Status)).ToContainTextAsync("L'école est créée");
        await Assertions.Expect(ops.GetByLabel("Relevés bancaires")).Not.ToBeCheckedAsync();
        await Assertions.Expect(ops.GetByLabel("Portefeuilles")).ToBeCheckedAsync();
        await Screens.SaveAsync(ops, "platform-school");

        var mail = await web.Mail.WaitForMailToAsync("direction@saint-luc.example.be");
        await using var managerContext = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var manager = (await managerContext.NewPageAsync()).Recorded();
        await manager.GotoAsync(MailLinks.FirstConnectionIn(mail));
        await manager.GetByRole(AriaRole.Button, new() { Name = "Continuer" }).ClickAsync();
        await manager.GetByLabel("Nouveau mot de passe").FillAsync("Saint-Luc-2026");
        await manager.GetByLabel("Confirmez le mot de passe").FillAsync("Saint-Luc-2026");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();

        await manager.WaitForAsync("**/e/saint-luc/tableau-de-bord");
        await Assertions.Expect(manager.GetByText("Bienvenue, Nadia")).ToBeVisibleAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Link, new() { Name = "Portefeuilles" })).ToBeVisibleAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Link, new() { Name = "Relevés bancaires" })).ToHaveCountAsync(0);
        await Assertions.Expect(manager.Locator(".demo-banner")).ToHaveCountAsync(0);
    }
}