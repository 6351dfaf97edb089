using ItSchool.Wallets;

namespace ItSchool.Payments;

/// <summary>
/// A payment provider as top-ups and invoices need it: open a checkout, read its signed webhooks, tell a
/// payment's real state, and pay part of one back. The webhook only says "look at this payment"; the answer of
/// <see cref="GetPaymentAsync"/> is what decides a credit.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The name in configuration, in the webhook's address and in idempotency keys ("sandbox", "stripe").</summary>
    string Name { get; }

    Task<ProviderCheckout> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken = default);

    /// <summary>Checks the signature before reading anything; a forged or stale request is <see cref="WebhookReading.Refused"/>.</summary>
    WebhookReading ReadWebhook(WebhookRequest request);

    Task<ProviderPayment?> GetPaymentAsync(string providerPaymentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pays back part or all of a paid payment to the card or account it came from. The request's key is the
    /// idempotency key: asked again, the provider answers the refund it made and pays nothing more. Throws
    /// <see cref="HttpRequestException"/> when the provider cannot answer now (ask again later).
    /// </summary>
    Task<ProviderRefund> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default);
}

public sealed record RefundRequest(string ProviderPaymentId, long AmountCents, string Key);

public enum ProviderRefundStatus
{
    /// <summary>Accepted, on its way to the payer (a card refund can take days).</summary>
    Pending = 1,
    Refunded = 2,
    /// <summary>Refused for good (a payment already refunded, an amount above what it took): the reason is for the log.</summary>
    Failed = 3,
}

public sealed record ProviderRefund(string? RefundId, ProviderRefundStatus Status, string? Problem = null);

/// <param name="SchoolUrl">The school's absolute address, which a provider hosted inside the app (the sandbox) builds its page from.</param>
public sealed record CheckoutRequest(Guid PaymentId, long AmountCents, string Description, string SchoolUrl, string ReturnUrl, string CancelUrl);

public sealed record ProviderCheckout(string ProviderPaymentId, string RedirectUrl);

/// <summary>A webhook as it arrived: the raw body (signatures cover its exact bytes) and the headers a provider signs with.</summary>
public sealed record WebhookRequest(string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

public abstract record WebhookReading
{
    /// <summary>Signed by the provider and about this payment.</summary>
    public sealed record About(string ProviderPaymentId) : WebhookReading;

    /// <summary>Signed, but an event the top-up has nothing to do with: acknowledged so the provider stops sending it.</summary>
    public sealed record Ignored(string EventType) : WebhookReading;

    /// <summary>Not provably from the provider: the reason goes to the log, never to the caller.</summary>
    public sealed record Refused(string Reason) : WebhookReading;
}

public enum ProviderPaymentStatus
{
    Pending = 1,
    Paid = 2,
    Failed = 3,
    Expired = 4,
}

/// <summary>What the provider itself says about a payment, asked over its own API.</summary>
public sealed record ProviderPayment(string ProviderPaymentId, ProviderPaymentStatus Status, long AmountCents, string Currency, PaymentMethod? Method);