using ItSchool.Payments;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.Payments;

public sealed class StripeProviderTests : IAsyncLifetime
{
    const string WebhookSecret = "whsec_test_secret";
    StripeStub stub = null!;
    readonly TestClock clock = new();
    readonly HttpClient http = new();

    public async Task InitializeAsync() => stub = await StripeStub.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await stub.DisposeAsync();
    }

    StripeProvider Provider() => new(http, clock, Options.Create(new PaymentSettings
    {
        Provider = StripeProvider.ProviderName,
        Stripe = new StripeSettings { SecretKey = "sk_test_123", WebhookSecret = WebhookSecret, BaseUrl = stub.BaseUrl },
    }));

    [Fact]
    public async Task A_checkout_session_asks_Stripe_for_Bancontact_and_cards_in_euro_cents_with_our_payment_id()
    {
        var paymentId = Guid.NewGuid();

        var checkout = await Provider().CreateCheckoutAsync(new CheckoutRequest(paymentId, 1_250, "Rechargement en ligne",
            "https://portail.example.be/e/demo", "https://portail.example.be/e/demo/paiement/retour?paiement=1", "https://portail.example.be/e/demo/annule"));

        var request = Assert.Single(stub.Requests);
        Assert.Equal(("POST", "/v1/checkout/sessions", "Bearer sk_test_123"), (request.Method, request.Path, request.Authorization));
        Assert.Equal($"itschool-checkout-{paymentId}", request.IdempotencyKey);
        Assert.Equal(["bancontact", "card"], request.Form["payment_method_types[]"]);
        Assert.Equal("payment", request.Form["mode"].Single());
        Assert.Equal("eur", request.Form["line_items[0][price_data][currency]"].Single());
        Assert.Equal("1250", request.Form["line_items[0][price_data][unit_amount]"].Single());
        Assert.Equal("1", request.Form["line_items[0][quantity]"].Single());
        Assert.Equal("https://portail.example.be/e/demo/paiement/retour?paiement=1", request.Form["success_url"].Single());
        Assert.Equal("https://portail.example.be/e/demo/annule", request.Form["cancel_url"].Single());
        Assert.Equal(paymentId.ToString(), request.Form["metadata[payment_id]"].Single());
        Assert.StartsWith("cs_test_", checkout.ProviderPaymentId);
        Assert.Equal(new Uri(stub.BaseUrl, $"c/pay/{checkout.ProviderPaymentId}").ToString(), checkout.RedirectUrl);
    }

    [Fact]
    public async Task A_session_is_read_back_with_its_payment_status_amount_and_the_method_used()
    {
        var provider = Provider();
        var checkout = await provider.CreateCheckoutAsync(new CheckoutRequest(Guid.NewGuid(), 2_000, "Rechargement en ligne", "http://x", "http://x/r", "http://x/c"));
        Assert.Equal(ProviderPaymentStatus.Pending, (await provider.GetPaymentAsync(checkout.ProviderPaymentId))!.Status);

        stub.Pay(checkout.ProviderPaymentId, "bancontact");

        Assert.Equal(new ProviderPayment(checkout.ProviderPaymentId, ProviderPaymentStatus.Paid, 2_000, "eur", PaymentMethod.Bancontact),
            await provider.GetPaymentAsync(checkout.ProviderPaymentId));
        Assert.Contains("payment_intent.payment_method", Uri.UnescapeDataString(stub.Requests.Last().Query));
        Assert.Null(await provider.GetPaymentAsync("cs_test_unknown"));
    }

    [Fact]
    public async Task A_refund_pays_back_the_sessions_payment_intent_once_per_key_even_after_Stripe_forgot_the_key()
    {
        var provider = Provider();
        var checkout = await provider.CreateCheckoutAsync(new CheckoutRequest(Guid.NewGuid(), 6_000, "Facture 2026000001", "http://x", "http://x/r", "http://x/c"));
        stub.Pay(checkout.ProviderPaymentId, "bancontact");
        var request = new RefundRequest(checkout.ProviderPaymentId, 2_000, "refund/invoice/credit/cn-1/1");

        var first = await provider.RefundAsync(request);
        stub.ForgetIdempotencyKeys();
        var again = await provider.RefundAsync(request);

        var refund = Assert.Single(stub.Refunds);
        Assert.Equal(new ProviderRefund(refund.Id, ProviderRefundStatus.Refunded), first);
        Assert.Equal(first, again);
        Assert.Equal(("pi_" + checkout.ProviderPaymentId[8..], 2_000L), (refund.PaymentIntent, refund.Amount));
        var post = Assert.Single(stub.Requests, r => r is { Method: "POST", Path: "/v1/refunds" });
        Assert.Equal("itschool-refund-refund/invoice/credit/cn-1/1", post.IdempotencyKey);
        Assert.Equal("Bearer sk_test_123", post.Authorization);
        Assert.Equal(["2000"], post.Form["amount"]);
        Assert.Equal(["refund/invoice/credit/cn-1/1"], post.Form["metadata[itschool_refund]"]);
    }

    [Fact]
    public async Task A_refund_Stripe_refuses_or_of_an_unknown_or_unpaid_session_fails_without_throwing()
    {
        var provider = Provider();
        var checkout = await provider.CreateCheckoutAsync(new CheckoutRequest(Guid.NewGuid(), 1_000, "Facture", "http://x", "http://x/r", "http://x/c"));

        Assert.Equal(ProviderRefundStatus.Failed, (await provider.RefundAsync(new RefundRequest(checkout.ProviderPaymentId, 500, "unpaid"))).Status);
        stub.Pay(checkout.ProviderPaymentId, "card");
        var tooMuch = await provider.RefundAsync(new RefundRequest(checkout.ProviderPaymentId, 1_001, "too-much"));
        Assert.Equal(ProviderRefundStatus.Failed, tooMuch.Status);
        Assert.Contains("amount_too_large", tooMuch.Problem);
        Assert.Equal(ProviderRefundStatus.Failed, (await provider.RefundAsync(new RefundRequest("cs_test_unknown", 500, "unknown"))).Status);
        Assert.Empty(stub.Refunds);
    }

    [Fact]
    public void Webhooks_are_read_only_with_a_valid_recent_signature()
    {
        var provider = Provider();
        var body = stub.Event("checkout.session.completed", "cs_test_abc");
        WebhookReading Read(string header) => provider.ReadWebhook(new WebhookRequest(body, new Dictionary<string, string> { ["stripe-signature"] = header }));

        Assert.Equal(new WebhookReading.About("cs_test_abc"), Read(WebhookSignature.Header(body, WebhookSecret, clock.GetUtcNow())));
        Assert.IsType<WebhookReading.Refused>(Read(WebhookSignature.Header(body, "whsec_someone_else", clock.GetUtcNow())));
        Assert.IsType<WebhookReading.Refused>(Read(WebhookSignature.Header(body + " ", WebhookSecret, clock.GetUtcNow())));
        Assert.IsType<WebhookReading.Refused>(Read("v1=0123"));
        Assert.IsType<WebhookReading.Refused>(Read(""));

        var stale = Read(WebhookSignature.Header(body, WebhookSecret, clock.GetUtcNow().AddMinutes(-6)));
        Assert.Contains("tolerance", Assert.IsType<WebhookReading.Refused>(stale).Reason);
        Assert.IsType<WebhookReading.About>(Read(WebhookSignature.Header(body, WebhookSecret, clock.GetUtcNow().AddMinutes(-4))));

        var other = stub.Event("customer.created", "cs_test_abc");
        Assert.Equal(new WebhookReading.Ignored("customer.created"), provider.ReadWebhook(new WebhookRequest(other,
            new Dictionary<string, string> { ["Stripe-Signature"] = WebhookSignature.Header(other, WebhookSecret, clock.GetUtcNow()) })));
    }
}