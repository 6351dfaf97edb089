using System.Diagnostics;
using System.Globalization;
using ItSchool.Invoices;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_pays_an_invoice_from_the_wallet_and_sees_the_row_turn_green_and_the_balance_drop_without_reloading()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var id = Guid.CreateVersion7();
        await grains.GetGrain<IInvoiceGrain>(id).IssueAsync(InvoiceCluster.Trip(lucas));
        await grains.GetGrain<IPurseGrain>(lucas).CreditAsync(InvoiceCluster.TopUp(10_000));
        var page = await OpenInvoicesAsync("Lucas");
        var row = page.Locator($"tr[data-invoice='{id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Open");
        var balance = page.Locator(".compartment[data-compartment='1'] .balance");
        var before = long.Parse((await balance.GetAttributeAsync("data-cents"))!);
        await page.EvaluateAsync("window.notReloaded = true");

        await row.GetByText("Payer").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Depuis le portefeuille" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Payer 60,00 €" }).DblClickAsync();

        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Paiement effectué : 60,00 €");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Paid");
        await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("state-paid"));
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", (before - 6_000).ToString());
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.Equal(6_000, (await grains.GetGrain<IInvoiceGrain>(id).GetAsync())!.PaidCents);
    }

    [Fact]
    public async Task The_transfer_dialog_shows_the_invoice_communication_and_a_QR_code_with_the_remaining_amount()
    {
        var genevieve = await DemoPupils.IdAsync(web, "Geneviève");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var id = Guid.CreateVersion7();
        var invoice = grains.GetGrain<IInvoiceGrain>(id);
        await invoice.IssueAsync(InvoiceCluster.Trip(genevieve));
        await invoice.PayByTransferAsync(new InvoiceTransfer("BROWSER-PART", 1_000, new DateOnly(2026, 11, 10), null));
        var page = await OpenInvoicesAsync(null);
        var row = page.Locator($"tr[data-invoice='{id}']");

        await row.GetByText("Payer").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Par virement" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("BE71 0961 2345 6769");
        await Assertions.Expect(dialog.Locator(".transfer-amount")).ToHaveTextAsync("50,00 €");

        var view = (await invoice.GetAsync())!;
        Assert.True(StructuredCommunication.TryParse(await dialog.Locator("code.communication").TextContentAsync(), out var shown));
        Assert.Equal(view.Communication, shown);
        var source = await dialog.Locator("img.epc-qr").GetAttributeAsync("src");
        var decoded = await QrCodes.DecodeAsync(Convert.FromBase64String(source!["data:image/png;base64,".Length..]));
        Assert.Equal($"BCD\n002\n1\nSCT\n{DemoWallets.Bic}\nÉcole de démo ASBL\n{DemoWallets.Iban}\nEUR50.00\n\n{view.Communication.Digits}", decoded);
    }

    [Fact]
    public async Task A_parent_ticks_two_invoices_sees_their_total_and_pays_them_together_from_the_wallet_only_once_confirmed()
    {
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var ids = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        foreach (var id in ids)
        {
            await grains.GetGrain<IInvoiceGrain>(id).IssueAsync(InvoiceCluster.Trip(benoit));
        }
        await grains.GetGrain<IPurseGrain>(benoit).CreditAsync(InvoiceCluster.TopUp(20_000));
        var page = await OpenInvoicesAsync("Benoît");

        foreach (var id in ids)
        {
            await page.Locator($"tr[data-invoice='{id}'] input[type=checkbox]").CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Payer la sélection depuis le portefeuille" }).ClickAsync();

        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Confirmer le paiement de la sélection");
        await Assertions.Expect(dialog.Locator("[data-total]")).ToHaveTextAsync("120,00 €");
        await Assertions.Expect(dialog.Locator("li[data-invoice]")).ToHaveCountAsync(2);
        Assert.Equal(0, (await grains.GetGrain<IInvoiceGrain>(ids[0]).GetAsync())!.PaidCents);
        await Screens.SaveAsync(page, "invoices-selection-confirm");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirmer et payer 120,00 €" }).ClickAsync();

        await Assertions.Expect(dialog.Locator("li[data-accepted='true']")).ToHaveCountAsync(2);
        foreach (var id in ids)
        {
            await Assertions.Expect(page.Locator($"tr[data-invoice='{id}']")).ToHaveAttributeAsync("data-state", "Paid");
        }
    }

    async Task<IPage> OpenInvoicesAsync(string? child)
    {
        var page = await chromium.SignInToDashboardAsync(web, "amelie.lefevre", child ?? "Geneviève");
        await page.GetByRole(AriaRole.Link, new() { Name = "Demandes de paiement" }).ClickAsync();
        await page.WaitForAsync("**/finances/factures");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        return page;
    }
}