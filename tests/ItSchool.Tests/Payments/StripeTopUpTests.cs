using System.Net;
using System.Text;
using ItSchool.Payments;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Payments;

/// <summary>The whole top-up with the Stripe provider, the app talking to the local Stripe stub.</summary>
public sealed class StripeTopUpTests : IAsyncLifetime
{
    const string WebhookSecret = "whsec_end_to_end";
    readonly PaymentNode web = new();
    StripeStub stub = null!;

    public async Task InitializeAsync()
    {
        stub = await StripeStub.StartAsync();
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:Payments:Provider=stripe",
            "--ItSchool:Payments:Stripe:SecretKey=sk_test_e2e", $"--ItSchool:Payments:Stripe:WebhookSecret={WebhookSecret}",
            $"--ItSchool:Payments:Stripe:BaseUrl={stub.BaseUrl}", "--ItSchool:Payments:Stripe:Timeout=00:00:02");
    }

    public async Task DisposeAsync()
    {
        await web.DisposeAsync();
        await stub.DisposeAsync();
    }

    [Fact]
    public async Task A_completed_checkout_credits_the_purse_once_with_the_method_Stripe_reports()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var checkout = await TopUpClient.StartAsync(marc, "12,50");
        Assert.StartsWith(stub.BaseUrl.ToString(), checkout.ToString());
        var session = TopUpClient.SandboxId(checkout);
        Assert.Equal(1_250, stub.Sessions[session].AmountTotal);

        // Told before the customer paid: Stripe's own answer says unpaid, so nothing moves.
        Assert.Equal(HttpStatusCode.OK, (await PostEventAsync(stub.Event("checkout.session.completed", session))).StatusCode);
        Assert.Equal(before, await web.BalanceAsync("Chloé"));

        stub.Pay(session, "card");
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostEventAsync(stub.Event("checkout.session.completed", session))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(before + 1_250, await web.BalanceAsync("Chloé"));
        Assert.Equal(1, await web.LedgerEntriesAsync($"online/stripe/{session}"));
        var payment = await web.PaymentAsync(session);
        Assert.Equal((OnlinePaymentStatus.Paid, PaymentMethod.Card), (payment.Status, payment.Method));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostEventAsync(stub.Event("checkout.session.completed", session), "whsec_forged")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostEventAsync(stub.Event("checkout.session.completed", "cs_test_not_ours"))).StatusCode);
        Assert.Equal(before + 1_250, await web.BalanceAsync("Chloé"));
    }

    [Fact]
    public Task While_Stripe_answers_500_nothing_is_credited_and_once_it_is_back_the_reconciliation_credits_once() =>
        OutageThenBackAsync(down => stub.Failing = down, "14");

    // Confirming the webhook with Stripe outlasts the client's timeout (2 s here, 30 s by default).
    [Fact]
    public Task While_Stripe_is_too_slow_to_answer_nothing_is_credited_and_once_it_answers_again_the_reconciliation_credits_once() =>
        OutageThenBackAsync(down => stub.Slow = down, "16");

    async Task OutageThenBackAsync(Action<bool> stripeDown, string euros)
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var before = await web.BalanceAsync("Chloé");
        var session = TopUpClient.SandboxId(await TopUpClient.StartAsync(marc, euros));
        stub.Pay(session, "bancontact");
        stripeDown(true);

        // The webhook cannot be confirmed with Stripe: it is refused as unavailable (no bug of ours), and Stripe sends it again later.
        var during = await PostEventAsync(stub.Event("checkout.session.completed", session));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Contains("provider_unavailable", await during.Content.ReadAsStringAsync());
        var job = web.Services.GetRequiredService<ItSchool.Web.Payments.PaymentReconciliationJob>();
        web.Clock.Advance(ItSchool.Web.Payments.PaymentReconciliationJob.QuietFor + TimeSpan.FromMinutes(1));
        await job.RunOnceAsync();
        Assert.Equal(before, await web.BalanceAsync("Chloé"));
        Assert.Equal(OnlinePaymentStatus.Pending, (await web.PaymentAsync(session)).Status);

        stripeDown(false);
        await job.RunOnceAsync();
        await job.RunOnceAsync();
        var cents = long.Parse(euros) * 100;
        Assert.Equal(before + cents, await web.BalanceAsync("Chloé"));
        Assert.Equal(1, await web.LedgerEntriesAsync($"online/stripe/{session}"));
        Assert.Equal(OnlinePaymentStatus.Paid, (await web.PaymentAsync(session)).Status);
        // Stripe's retry of the refused webhook, once it is back, credits nothing more.
        Assert.Equal(HttpStatusCode.OK, (await PostEventAsync(stub.Event("checkout.session.completed", session))).StatusCode);
        Assert.Equal(before + cents, await web.BalanceAsync("Chloé"));
    }

    async Task<HttpResponseMessage> PostEventAsync(string body, string secret = WebhookSecret)
    {
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", WebhookSignature.Header(body, secret, web.Clock.GetUtcNow()));
        return await client.SendAsync(request);
    }
}