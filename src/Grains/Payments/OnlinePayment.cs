using ItSchool.Wallets;

namespace ItSchool.Payments;

public enum OnlinePaymentStatus
{
    Pending = 1,
    Paid = 2,
    Failed = 3,
    Expired = 4,
}

/// <summary>One online top-up (or invoice payment, with <see cref="InvoiceId"/>) attempt, from the parent's click to the provider's confirmation.</summary>
public sealed record OnlinePayment(
    Guid Id,
    Guid SchoolId,
    Guid PupilId,
    int Compartment,
    long AmountCents,
    string Provider,
    string ProviderPaymentId,
    string RedirectUrl,
    OnlinePaymentStatus Status,
    PaymentMethod? Method,
    Guid StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Guid? InvoiceId = null);