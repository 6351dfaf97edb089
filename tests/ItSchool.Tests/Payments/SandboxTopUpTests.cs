using System.Net;
using System.Text;
using ItSchool.Payments;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Payments;

public sealed class SandboxTopUpTests(PaymentNode web) : IClassFixture<PaymentNode>
{
    [Fact]
    public async Task Out_of_bounds_or_malformed_amounts_get_a_clear_message_and_start_nothing()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var dialog = await TopUpClient.OpenDialogAsync(marc);
        var before = await web.OnlinePaymentCountAsync();

        foreach (var (amount, message) in new[]
        {
            ("4,99", "compris entre 5,00"), ("200,01", "compris entre 5,00"), ("douze", "par exemple 12,50"),
            ("12,345", "par exemple 12,50"), ("-10", "par exemple 12,50"), ("", "par exemple 12,50"),
        })
        {
            var response = await TopUpClient.SubmitAsync(marc, dialog, amount);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains(message, html);
            Assert.Contains("role=\"alert\"", html);
        }
        Assert.Equal(before, await web.OnlinePaymentCountAsync());
        Assert.Contains("200,00", WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/portefeuille/1/paiement-en-ligne")));
    }

    [Fact]
    public async Task The_same_form_submitted_several_times_at_once_starts_one_payment()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var dialog = await TopUpClient.OpenDialogAsync(marc);
        var before = await web.OnlinePaymentCountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TopUpClient.SubmitAsync(marc, dialog, "20")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.GetValues("HX-Redirect").Single()).Distinct());
        Assert.Equal(before + 1, await web.OnlinePaymentCountAsync());
    }

    [Fact]
    public async Task A_paid_payment_credits_the_purse_once_however_often_its_webhook_comes()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var checkout = await TopUpClient.StartAsync(marc, "12,50");
        var id = TopUpClient.SandboxId(checkout);

        var back = await TopUpClient.AnswerSandboxAsync(marc, checkout, "pay");

        Assert.Equal(before + 1_250, await web.BalanceAsync("Chloé"));
        var payment = await web.PaymentAsync(id);
        Assert.Equal(OnlinePaymentStatus.Paid, payment.Status);
        Assert.Equal(ItSchool.Wallets.PaymentMethod.Bancontact, payment.Method);
        Assert.Contains("Paiement réussi", await marc.GetStringAsync(back.PathAndQuery));

        var sequential = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add((await PostWebhookAsync(web.Services.GetRequiredService<SandboxProvider>().Webhook(id))).StatusCode);
        }
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostWebhookAsync(web.Services.GetRequiredService<SandboxProvider>().Webhook(id))));

        Assert.All(sequential, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(before + 1_250, await web.BalanceAsync("Chloé"));
        Assert.Equal(1, await web.LedgerEntriesAsync($"online/sandbox/{id}"));
    }

    [Fact]
    public async Task A_payment_whose_webhook_never_came_is_credited_once_by_the_reconciliation_and_a_failed_one_marked()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        var paid = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, "17"));
        var failed = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, "18"));
        var open = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, "19"));
        // The provider's books change, but no webhook reaches the app.
        await sandbox.SettleAsync(paid, paid: true, ItSchool.Wallets.PaymentMethod.Card);
        await sandbox.SettleAsync(failed, paid: false, ItSchool.Wallets.PaymentMethod.Card);
        var job = web.Services.GetRequiredService<ItSchool.Web.Payments.PaymentReconciliationJob>();

        // Too recent: its webhook may still be on the way.
        await job.RunOnceAsync();
        Assert.Equal(OnlinePaymentStatus.Pending, (await web.PaymentAsync(paid)).Status);

        web.Clock.Advance(ItSchool.Web.Payments.PaymentReconciliationJob.QuietFor + TimeSpan.FromMinutes(1));
        await job.RunOnceAsync();
        await job.RunOnceAsync();

        Assert.Equal(before + 1_700, await web.BalanceAsync("Chloé"));
        Assert.Equal(1, await web.LedgerEntriesAsync($"online/sandbox/{paid}"));
        Assert.Equal((OnlinePaymentStatus.Paid, OnlinePaymentStatus.Failed, OnlinePaymentStatus.Pending),
            ((await web.PaymentAsync(paid)).Status, (await web.PaymentAsync(failed)).Status, (await web.PaymentAsync(open)).Status));
        // The webhook that comes late after all credits nothing more.
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(sandbox.Webhook(paid))).StatusCode);
        Assert.Equal(before + 1_700, await web.BalanceAsync("Chloé"));
    }

    [Fact]
    public async Task A_forged_or_unsigned_webhook_is_refused_and_credits_nothing()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var id = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, "30"));
        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        // The provider's books say paid, but the app hears of it only through forgeries.
        await sandbox.SettleAsync(id, paid: true, ItSchool.Wallets.PaymentMethod.Card);
        var (body, _) = sandbox.Webhook(id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostWebhookAsync((body, WebhookSignature.Header(body, "not-the-secret", web.Clock.GetUtcNow())))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostWebhookAsync((body, ""))).StatusCode);
        var (otherBody, signature) = sandbox.Webhook("sbx_other");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostWebhookAsync((body, signature))).StatusCode);

        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(OnlinePaymentStatus.Pending, (await web.PaymentAsync(id)).Status);

        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(sandbox.Webhook(id))).StatusCode);
        Assert.Equal(before + 3_000, await web.BalanceAsync("Chloé"));
        Assert.NotEqual(body, otherBody);
    }

    [Fact]
    public async Task A_signed_webhook_for_an_unknown_payment_is_refused_and_changes_nothing()
    {
        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        var before = await web.BalanceAsync("Chloé");
        var payments = await web.OnlinePaymentCountAsync();

        var response = await PostWebhookAsync(sandbox.Webhook("sbx_0000000000000000000000000000dead"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(payments, await web.OnlinePaymentCountAsync());
    }

    [Fact]
    public async Task A_failed_payment_credits_nothing_even_when_its_webhook_is_replayed()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var checkout = await TopUpClient.StartAsync(marc, "15");
        var id = TopUpClient.SandboxId(checkout);

        var back = await TopUpClient.AnswerSandboxAsync(marc, checkout, "fail");

        Assert.Contains("Paiement échoué", await marc.GetStringAsync(back.PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(web.Services.GetRequiredService<SandboxProvider>().Webhook(id))).StatusCode);
        Assert.Equal(OnlinePaymentStatus.Failed, (await web.PaymentAsync(id)).Status);
        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(0, await web.LedgerEntriesAsync($"online/sandbox/{id}"));
    }

    [Fact]
    public async Task The_return_page_waits_for_the_webhook_and_shows_only_the_parents_own_payment()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var id = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, "7"));
        var payment = await web.PaymentAsync(id);
        var page = $"/e/demo/paiement/retour?paiement={payment.Id}";

        var pending = await marc.GetStringAsync(page);
        Assert.Contains("Paiement en cours de confirmation", pending);
        Assert.Contains("every 2s", pending);

        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        await sandbox.SettleAsync(id, paid: true, ItSchool.Wallets.PaymentMethod.Bancontact);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(sandbox.Webhook(id))).StatusCode);
        var paid = await marc.GetStringAsync($"/e/demo/paiement/{payment.Id}/statut");
        Assert.Contains("Paiement réussi", paid);
        Assert.DoesNotContain("every 2s", paid);

        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync(page)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync($"/e/demo/paiement/{payment.Id}/statut")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/paiement/retour?paiement={Guid.NewGuid()}")).StatusCode);
        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/e/demo/portefeuille/1/paiement-en-ligne")).StatusCode);
    }

    [Fact]
    public async Task A_webhook_for_another_provider_is_not_found()
    {
        using var client = web.CreateClient();
        var response = await client.PostAsync("/api/payments/stripe/webhook", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    async Task<HttpResponseMessage> PostWebhookAsync((string Body, string Signature) webhook)
    {
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/sandbox/webhook")
        {
            Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json"),
        };
        if (webhook.Signature.Length > 0)
        {
            request.Headers.Add(SandboxProvider.SignatureHeader, webhook.Signature);
        }
        return await client.SendAsync(request);
    }
}