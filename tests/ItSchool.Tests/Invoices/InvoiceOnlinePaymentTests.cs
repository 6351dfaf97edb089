using System.Net;
using ItSchool.Invoices;
using ItSchool.Tests.Payments;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceOnlinePaymentTests(PaymentNode web) : IClassFixture<PaymentNode>
{
    [Fact]
    public async Task A_parent_pays_an_invoice_online_and_the_webhook_pays_it_once_without_touching_the_wallet()
    {
        var lucas = await web.PupilIdAsync("Lucas");
        var invoice = web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        var wallet = await web.BalanceAsync("Lucas");
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");

        var clicks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartAsync(amelie, view.Id, "click-1")));
        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.NoContent, c.StatusCode));
        var checkout = new Uri(Assert.Single(clicks.Select(c => c.Headers.GetValues("HX-Redirect").Single()).Distinct()));
        var back = await TopUpClient.AnswerSandboxAsync(amelie, checkout, "pay");

        var paid = (await invoice.GetAsync())!;
        Assert.Equal(InvoiceState.Paid, paid.State);
        Assert.Equal(ItSchool.Wallets.PaymentMethod.Bancontact, Assert.Single(paid.Movements).Method);
        Assert.Equal(wallet, await web.BalanceAsync("Lucas"));
        Assert.Contains("payés sur la facture", WebUtility.HtmlDecode(await amelie.GetStringAsync(back.PathAndQuery)));

        var again = await StartAsync(amelie, view.Id, "click-2");
        Assert.Contains("ne présente plus de montant à payer", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Another_familys_invoice_cannot_be_paid_online_by_forging_its_id()
    {
        var lucas = await web.PupilIdAsync("Lucas");
        var invoice = web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");

        Assert.Equal(HttpStatusCode.NotFound, (await StartAsync(marc, view.Id, "forged")).StatusCode);
    }

    static async Task<HttpResponseMessage> StartAsync(HttpClient parent, Guid invoiceId, string key)
    {
        var token = Forms.AntiforgeryToken(await parent.GetStringAsync("/e/demo/tableau-de-bord"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/e/demo/finances/factures/{invoiceId}/en-ligne")
        {
            Content = new FormUrlEncodedContent([new("Key", key), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("HX-Request", "true");
        return await parent.SendAsync(request);
    }
}