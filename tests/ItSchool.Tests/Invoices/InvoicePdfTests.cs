using System.Diagnostics;
using System.Net;
using ItSchool.Invoices;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace ItSchool.Tests.Invoices;

public sealed class InvoicePdfTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_PDF_carries_the_lines_the_remaining_amount_the_communication_and_a_readable_EPC_QR_code()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var invoice = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        await invoice.PayByTransferAsync(new InvoiceTransfer("PDF-PART", 1_550, new DateOnly(2026, 11, 10), null));
        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");

        var response = await parent.GetAsync($"/e/demo/finances/factures/{view.Id}/facture.pdf");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var page = pdf.GetPage(1);
        var text = string.Join(" ", page.GetWords().Select(w => w.Text));
        Assert.Contains($"Facture {view.Number}", text);
        Assert.Contains("Excursion Pairi Daiza", text);
        // The demo school has an address now: the letterhead's two columns interleave word by word, line by line.
        Assert.Contains("Élève Lucas Lefèvre", text);
        Assert.Contains("Classe 4B", text);
        Assert.Contains("Reste à payer 44,50 €", text);
        Assert.Contains(view.Communication.ToString(), text);

        var image = Assert.Single(page.GetImages());
        Assert.True(image.TryGetPng(out var png));
        Assert.Equal(EpcQrPayload.For("École de démo ASBL", DemoWallets.Iban, DemoWallets.Bic, view.Communication, 4_450),
            await QrCodes.DecodeAsync(png));
    }

    [Fact]
    public async Task Another_familys_PDF_is_not_found()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var invoice = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/finances/factures/{view.Id}/facture.pdf")).StatusCode);
    }
}