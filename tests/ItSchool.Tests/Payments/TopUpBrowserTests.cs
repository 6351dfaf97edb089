using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Payments;

public sealed class TopUpBrowserTests(PaymentNode web, Chromium chromium) : IClassFixture<PaymentNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_pays_online_on_the_sandbox_page_and_sees_the_balance_grow()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var before = await web.BalanceAsync("Chloé");

        await page.Locator(".compartment[data-compartment='1']").GetByText("Recharger").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Paiement en ligne" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("entre 5,00 € et 200,00 €");
        await dialog.GetByLabel("Montant (€)").FillAsync("12,50");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Payer en ligne" }).ClickAsync();

        await page.WaitForAsync("**/paiement-sandbox/**");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page de paiement de test");
        await Assertions.Expect(page.Locator(".sandbox-amount")).ToHaveTextAsync("12,50 €");
        await page.GetByRole(AriaRole.Button, new() { Name = "Payer", Exact = true }).ClickAsync();

        await page.WaitForAsync("**/paiement/retour?**");
        await Assertions.Expect(page.Locator("#payment-status")).ToContainTextAsync("Paiement réussi");
        await page.GetByRole(AriaRole.Link, new() { Name = "Retour au tableau de bord" }).ClickAsync();
        await page.WaitForDashboardAsync();
        await Assertions.Expect(page.Locator(".compartment[data-compartment='1'] .balance"))
            .ToHaveAttributeAsync("data-cents", (before + 1_250).ToString());
        await Assertions.Expect(page.Locator(".ledger tbody tr").First).ToContainTextAsync("12,50 €");
        await page.Context.CloseAsync();
    }
}