using System.Net;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Payments;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Npgsql;

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

    [Fact]
    public async Task Online_invoice_payments_keep_to_the_top_ups_bounds_and_switches()
    {
        var lucas = await web.PupilIdAsync("Lucas");
        var above = (await web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7()).IssueAsync(InvoiceCluster.Trip(lucas, unitCents: 10_000))).Invoice!;
        var below = (await web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7())
            .IssueAsync(InvoiceCluster.Trip(lucas) with { Lines = [new InvoiceLine("Photocopies", 1, 300)] })).Invoice!;
        var within = (await web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7()).IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        var payments = await web.OnlinePaymentCountAsync();

        var rows = await amelie.GetStringAsync("/e/demo/finances/factures/lignes");
        Assert.Contains($"finances/factures/{within.Id}/en-ligne", rows);
        Assert.DoesNotContain($"finances/factures/{above.Id}/en-ligne", rows);
        Assert.DoesNotContain($"finances/factures/{below.Id}/en-ligne", rows);
        foreach (var (invoice, remaining) in new[] { (above, "210,00 €"), (below, "3,00 €") })
        {
            var refused = WebUtility.HtmlDecode(await (await StartAsync(amelie, invoice.Id, $"bounds-{invoice.Id}")).Content.ReadAsStringAsync());
            Assert.Contains($"Le paiement en ligne accepte de 5,00 € à 200,00 € ; il reste {remaining} à payer", refused);
        }

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var store = new WalletSettingsStore(db);
        var wallets = (await store.LoadAsync(DemoSchool.Id))!;
        await store.SaveAsync(DemoSchool.Id, wallets with { OnlineEnabled = false });
        try
        {
            Assert.DoesNotContain("/en-ligne", await amelie.GetStringAsync("/e/demo/finances/factures/lignes"));
            var off = WebUtility.HtmlDecode(await (await StartAsync(amelie, within.Id, "switched-off")).Content.ReadAsStringAsync());
            Assert.Contains("L'école ne propose pas le paiement en ligne.", off);
        }
        finally
        {
            await store.SaveAsync(DemoSchool.Id, wallets);
        }
        Assert.Equal(payments, await web.OnlinePaymentCountAsync());
    }

    [Fact]
    public async Task A_credit_note_refunds_an_online_payment_through_the_provider_once_and_the_parent_sees_it_done()
    {
        var lucas = await web.PupilIdAsync("Lucas");
        var invoice = web.Grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(lucas))).Invoice!;
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        var checkout = new Uri((await StartAsync(amelie, view.Id, "refund-1")).Headers.GetValues("HX-Redirect").Single());
        await TopUpClient.AnswerSandboxAsync(amelie, checkout, "pay");
        Assert.Equal(InvoiceState.Paid, (await invoice.GetAsync())!.State);
        var wallet = await web.BalanceAsync("Lucas");
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{view.Id}";
        Assert.Contains("value=\"online\"", await manager.GetStringAsync(page));

        (string, string)[] form = [("Key", "online-refund-1"), ("Amount", "25"), ("Reason", "Sortie annulée"), ("RefundTo", "online")];
        var credited = await Task.WhenAll(Forms.PostAsync(manager, page, $"{page}/note-de-credit", form),
            Forms.PostAsync(manager, page, $"{page}/note-de-credit", form));

        Assert.All(credited, c => Assert.Equal(HttpStatusCode.Redirect, c.StatusCode));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM sandbox_refunds"));
        Assert.Equal(2_500L, await ScalarAsync<long>("SELECT amount_cents FROM sandbox_refunds"));
        Assert.Equal("refunded", await ScalarAsync<string>($"SELECT status FROM invoice_provider_refunds WHERE invoice_id = '{view.Id}'"));
        Assert.Equal(wallet, await web.BalanceAsync("Lucas"));
        Assert.Contains("remboursement effectué", WebUtility.HtmlDecode(await manager.GetStringAsync(page)));
        var details = WebUtility.HtmlDecode(await amelie.GetStringAsync($"/e/demo/finances/factures/{view.Id}"));
        Assert.Contains("25,00 € remboursés en ligne (Bancontact, carte)", details);
        Assert.Contains("remboursement effectué", details);

        var more = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "online-refund-2"), ("Amount", "40"), ("Reason", "Tout"),
            ("RefundTo", "online"));
        Assert.Contains("ne peut dépasser le reste à payer (0,00 €) et ce qui a déjà été payé (35,00 €)",
            WebUtility.HtmlDecode(await more.Content.ReadAsStringAsync()));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM sandbox_refunds"));
    }

    async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
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