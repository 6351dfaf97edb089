using ItSchool.Tests.Meals;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Wallets;

/// <summary>A parent sets a low-balance alert from the balances page and sends themselves the test mail, in a real browser.</summary>
public sealed class BalanceAlertBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_chooses_a_threshold_and_receives_the_test_mail()
    {
        var (_, name) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        await page.GotoAsync(new Uri(web.DemoSchool, "finances/soldes").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Alertes de solde bas" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alertes de solde bas", Level = 1 })).ToBeVisibleAsync();

        var general = page.Locator("fieldset[data-compartment='1']");
        await general.GetByLabel("Mon seuil :").CheckAsync();
        await general.GetByLabel("Mon seuil pour Portefeuille général, en euros").FillAsync("8,00");
        await general.GetByLabel("Rappel au plus tôt après (jours)").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Alertes enregistrées.");
        await Assertions.Expect(general.GetByLabel("Mon seuil pour Portefeuille général, en euros")).ToHaveValueAsync("8,00");
        await Assertions.Expect(general.GetByLabel("Rappel au plus tôt après (jours)")).ToHaveValueAsync("3");

        await general.GetByRole(AriaRole.Button, new() { Name = "Envoyer un test" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Un courriel de test vient de partir vers votre adresse.");
        await Screens.SaveAsync(page, "balance-alerts");
        var mail = await web.Mail.WaitForAsync(m => m.Subject == $"[Test] Solde bas : Portefeuille général de {name}");
        Assert.Contains("sous le seuil de 8,00 €", mail.TextBody);
    }
}