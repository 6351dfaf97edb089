using ItSchool.Invoices;
using ItSchool.Payments;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.Invoices;

/// <summary>Credit notes' refunds through the online provider: asked once whoever asks, kept for later when the provider is away.</summary>
public sealed class ProviderRefundsTests(InvoiceCluster invoices) : IClassFixture<InvoiceCluster>
{
    readonly TestClock clock = new();
    static readonly Actor Provider = new(ActorKind.PaymentProvider, SandboxProvider.ProviderName, SandboxProvider.ProviderName);

    SandboxProvider Sandbox() => new(invoices.Database.Db, clock, Options.Create(new PaymentSettings { Provider = SandboxProvider.ProviderName }));

    ProviderRefunds Refunds(IPaymentProvider provider) => new(provider, invoices.Database.Db, clock, NullLogger<ProviderRefunds>.Instance);

    /// <summary>An invoice of 60 € paid online through the sandbox, then credited 20 € refunded through the provider.</summary>
    async Task<(Guid Invoice, string Payment)> RefundingAsync(bool settled = true, string provider = SandboxProvider.ProviderName)
    {
        var sandbox = Sandbox();
        var checkout = await sandbox.CreateCheckoutAsync(new CheckoutRequest(Guid.NewGuid(), 6_000, "Facture", "http://x", "http://x/r", "http://x/c"));
        if (settled)
        {
            await sandbox.SettleAsync(checkout.ProviderPaymentId, paid: true, PaymentMethod.Bancontact);
        }
        var (id, _) = await invoices.IssueAsync(await invoices.NewPupilAsync());
        var invoice = invoices.Invoice(id);
        Assert.True((await invoice.PayOnlineAsync(new OnlineInvoicePayment($"{provider}/{checkout.ProviderPaymentId}", 6_000, PaymentMethod.Bancontact,
            Provider))).Accepted);
        Assert.True((await invoice.CreditAsync(new CreditNote("cn", 2_000, "Sortie annulée", InvoiceCluster.Manager, ExcessHandling.Provider))).Accepted);
        return (id, checkout.ProviderPaymentId);
    }

    Task<string> StatusAsync(Guid invoice) =>
        invoices.Database.ScalarAsync<string>("SELECT status FROM invoice_provider_refunds WHERE invoice_id = @id", ("id", invoice));

    [Fact]
    public async Task A_refund_the_provider_cannot_take_now_waits_and_is_then_made_once_however_many_nodes_ask()
    {
        var (id, payment) = await RefundingAsync();

        Assert.Equal(0, await Refunds(new Unreachable()).RunPendingAsync(id));
        Assert.Equal("pending", await StatusAsync(id));
        Assert.Equal(1, await invoices.Database.ScalarAsync<int>("SELECT attempts FROM invoice_provider_refunds WHERE invoice_id = @id", ("id", id)));

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Refunds(Sandbox()).RunPendingAsync(id)));

        Assert.Equal(1, runs.Sum());
        Assert.Equal("refunded", await StatusAsync(id));
        Assert.Equal(2_000, await invoices.Database.ScalarAsync<long>("SELECT sum(amount_cents)::bigint FROM sandbox_refunds WHERE payment_id = @p", ("p", payment)));
        Assert.Equal(0, await Refunds(Sandbox()).RunPendingAsync(id));
        var shown = Assert.Single(await Refunds(Sandbox()).ForInvoiceAsync(id));
        Assert.Equal(($"refund/{id}/credit/cn/1", 2_000L, ProviderRefundState.Refunded), (shown.Key, shown.AmountCents, shown.State));
        Assert.InRange(shown.FinishedAt!.Value, shown.CreatedAt, clock.GetUtcNow());
    }

    [Fact]
    public async Task A_refund_the_provider_refuses_or_that_another_provider_took_is_marked_failed_for_the_school_to_handle()
    {
        var (unpaid, _) = await RefundingAsync(settled: false);
        var (elsewhere, _) = await RefundingAsync(provider: StripeProvider.ProviderName);

        Assert.Equal(0, await Refunds(Sandbox()).RunPendingAsync(unpaid) + await Refunds(Sandbox()).RunPendingAsync(elsewhere));

        Assert.Equal("failed", await StatusAsync(unpaid));
        Assert.Equal("failed", await StatusAsync(elsewhere));
        Assert.Contains("paid through stripe", await invoices.Database.ScalarAsync<string>(
            "SELECT last_error FROM invoice_provider_refunds WHERE invoice_id = @id", ("id", elsewhere)));
        Assert.Equal(0, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM sandbox_refunds r JOIN sandbox_payments p ON p.id = r.payment_id WHERE p.status <> 'paid'"));
    }

    /// <summary>The provider's API is down: every call fails the way HttpClient says so.</summary>
    sealed class Unreachable : IPaymentProvider
    {
        public string Name => SandboxProvider.ProviderName;

        public Task<ProviderCheckout> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("down");

        public WebhookReading ReadWebhook(WebhookRequest request) => new WebhookReading.Refused("down");

        public Task<ProviderPayment?> GetPaymentAsync(string providerPaymentId, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("down");

        public Task<ProviderRefund> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("Connection refused (api.example:443)");
    }
}