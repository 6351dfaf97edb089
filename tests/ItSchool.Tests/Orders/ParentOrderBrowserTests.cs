using System.Text.RegularExpressions;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;
using static ItSchool.Tests.Orders.ParentOrderRig;

namespace ItSchool.Tests.Orders;

/// <summary>The parents' orders in a real browser: a photo order paid by invoice, an e-shop size from the wallet, a form outside its dates.</summary>
public sealed partial class ParentOrderBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>, IAsyncLifetime
{
    public Task InitializeAsync() => OrdersOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_photo_order_with_quantities_is_paid_by_invoice_and_the_summary_gives_its_structured_communication()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var today = Today(web);
        var form = await FormAsync(web, OrderKind.Photos, "Photos de classe 2026", today.AddDays(-3), today.AddDays(12), [child.ClassName], OrderPayment.Invoice,
            new Article("PACK", "Pack famille (3 photos)", 2500), new Article("TIRAGE", "Tirage 13 × 18", 450, 10));
        await ProofAsync(web, form, child.Id, Png(214, 160, 120));
        await ProofAsync(web, form, child.Id, Png(120, 170, 210));
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", child.FirstName);
        await Assertions.Expect(page.Locator(".order-card")).ToContainTextAsync("Photos de classe 2026");
        await Screens.SaveAsync(page, "orders-dashboard");

        await page.Locator(".order-card").GetByRole(AriaRole.Link, new() { Name = "Photos de classe 2026" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Photos de classe 2026");
        await Assertions.Expect(page.Locator(".proof-list img")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByText("Vous choisissez la quantité désirée de chaque article puis cliquez sur Commander.")).ToBeVisibleAsync();
        await Article(page, "PACK").GetByLabel("Quantité").FillAsync("1");
        await Article(page, "TIRAGE").GetByLabel("Quantité").FillAsync("3");
        await Assertions.Expect(page.Locator("output[data-total]")).ToHaveTextAsync(Euro("38,50"));
        await Screens.SaveAsync(page, "orders-photos-form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Commander" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Commande « Photos de classe 2026 »");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Commande enregistrée.");
        await Assertions.Expect(page.Locator("[data-order-total]")).ToHaveTextAsync(Euro("38,50"));
        await Assertions.Expect(page.Locator("[data-communication]")).ToHaveTextAsync(StructuredCommunication());
        await Assertions.Expect(page.Locator(".invoice-details")).ToContainTextAsync(SchoolTime.Date(today.AddDays(14)));
        await Screens.SaveAsync(page, "orders-photos-summary");
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM invoices WHERE pupil_id = @p AND total_cents = 3850", ("p", child.Id)));

        // The transfer's QR code, as the invoices show it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Payer par virement (code QR)" }).ClickAsync();
        await Assertions.Expect(page.Locator("dialog#dialog")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_e_shop_size_is_paid_from_the_wallet_the_balance_shows_after_and_cancelling_refunds_it()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var today = Today(web);
        await FormAsync(web, OrderKind.Shop, "E-shop de l'école", today.AddDays(-1), today.AddDays(30), [child.ClassName], OrderPayment.Wallet,
            new Article("TSHIRT", "T-shirt de l'école", 1200, 2, ("S", 10), ("M", 3), ("L", 0)), new Article("GOURDE", "Gourde", 800));
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", child.FirstName);
        await page.GotoAsync(new Uri(web.DemoSchool, "commandes").ToString());
        await Screens.SaveAsync(page, "orders-list");
        await page.GetByRole(AriaRole.Link, new() { Name = "Commander : E-shop de l'école" }).ClickAsync();

        var tshirt = Article(page, "TSHIRT");
        await Assertions.Expect(tshirt.GetByRole(AriaRole.Option, new() { Name = "M — plus que 3" })).ToHaveCountAsync(1);
        Assert.True(await tshirt.Locator("option[value='L']").EvaluateAsync<bool>("option => option.disabled && option.textContent === 'L — épuisé'"));
        await tshirt.GetByLabel("Choix").SelectOptionAsync("M");
        await tshirt.GetByLabel("Quantité").FillAsync("1");
        await Assertions.Expect(page.Locator("output[data-total]")).ToHaveTextAsync(Euro("12,00"));
        await Screens.SaveAsync(page, "orders-shop-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Commander" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Commande enregistrée.");
        await Assertions.Expect(page.Locator(".order-lines")).ToContainTextAsync("T-shirt de l'école (M)");
        await Assertions.Expect(page.Locator("[data-balance]")).ToHaveAttributeAsync("data-balance", "3800");
        await Assertions.Expect(page.Locator("[data-balance]")).ToHaveTextAsync(new Regex(@"^Solde restant du portefeuille « .+ » : 38,00\s€$"));
        await Screens.SaveAsync(page, "orders-shop-summary");
        Assert.Equal(3_800, await BalanceAsync(web, child.Id));

        await page.GetByRole(AriaRole.Button, new() { Name = "Annuler la commande" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("remboursés sur le portefeuille");
        await Screens.SaveAsync(page, "orders-cancel-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirmer l'annulation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Commande annulée.");
        await Assertions.Expect(page.Locator("[data-cancelled]")).ToContainTextAsync("remboursés sur le portefeuille");
        await Assertions.Expect(page.Locator("[data-balance]")).ToHaveAttributeAsync("data-balance", "5000");
        Assert.Equal(5_000, await BalanceAsync(web, child.Id));
    }

    [Fact]
    public async Task A_form_outside_its_dates_says_when_it_is_open_and_offers_no_order()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var today = Today(web);
        var form = await FormAsync(web, OrderKind.Form, "Retour des manuels de math", today.AddDays(-30), today.AddDays(-2), [child.ClassName],
            OrderPayment.Wallet, new Article("RETOUR", "Retour du chromebook", 0), new Article("HOUSSE", "Housse", 1500));
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", child.FirstName, new() { Locale = "fr-BE", ViewportSize = new() { Width = 390, Height = 844 } });
        await page.GotoAsync(new Uri(web.DemoSchool, $"commandes/{form}").ToString());

        await Assertions.Expect(page.Locator(".form-closed")).ToContainTextAsync(
            $"Ce formulaire est accessible du {SchoolTime.Date(today.AddDays(-30))} au {SchoolTime.Date(today.AddDays(-2))}.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Commander" })).ToHaveCountAsync(0);
        await Assertions.Expect(Article(page, "HOUSSE").GetByLabel("Quantité")).ToBeDisabledAsync();
        await Screens.SaveAsync(page, "orders-closed");
        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
    }

    static ILocator Article(IPage page, string code) => page.Locator($"li.article[data-article='{code}']");

    /// <summary>"38,50 €" whichever space the browser's or .NET's formatting puts before the euro sign.</summary>
    static Regex Euro(string amount) => new($"^{Regex.Escape(amount)}\\s€$");

    [GeneratedRegex(@"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")]
    private static partial Regex StructuredCommunication();
}