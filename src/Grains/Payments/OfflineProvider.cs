namespace ItSchool.Payments;

/// <summary>
/// What a production installation has until a real provider is configured: online payments stay off
/// (there is no default provider, and the sandbox exists in demo mode only).
/// </summary>
public sealed class OfflineProvider : IPaymentProvider
{
    public const string ProviderName = "none";

    public string Name => ProviderName;

    public Task<ProviderCheckout> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("No payment provider is configured (ItSchool:Payments:Provider): online payments are off.");

    public WebhookReading ReadWebhook(WebhookRequest request) => new WebhookReading.Refused("no payment provider is configured");

    public Task<ProviderPayment?> GetPaymentAsync(string providerPaymentId, CancellationToken cancellationToken = default) =>
        Task.FromResult<ProviderPayment?>(null);

    public Task<ProviderRefund> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ProviderRefund(null, ProviderRefundStatus.Failed, "no payment provider is configured"));
}