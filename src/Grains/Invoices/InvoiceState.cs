using ItSchool.Schools;

namespace ItSchool.Invoices;

/// <summary>The parents' legend: red overdue, green paid, white open, blue credited.</summary>
public enum InvoiceState
{
    Open = 1,
    PartiallyPaid = 2,
    Overdue = 3,
    Paid = 4,
    Credited = 5,
}

public static class InvoiceStates
{
    /// <summary>
    /// An invoice's state on a given day. Credit notes lower what is owed; an invoice wholly credited is
    /// "credited" even if nothing was paid, and one whose remaining part was paid is "paid".
    /// </summary>
    public static InvoiceState At(long totalCents, long paidCents, long creditedCents, DateOnly dueOn, DateOnly today)
    {
        var remaining = totalCents - creditedCents - paidCents;
        if (creditedCents >= totalCents)
        {
            return InvoiceState.Credited;
        }
        if (remaining <= 0)
        {
            return paidCents > 0 ? InvoiceState.Paid : InvoiceState.Credited;
        }
        if (today > dueOn)
        {
            return InvoiceState.Overdue;
        }
        return paidCents > 0 ? InvoiceState.PartiallyPaid : InvoiceState.Open;
    }

    /// <summary>Due dates are Belgian calendar days.</summary>
    public static DateOnly Today(TimeProvider clock) => SchoolTime.Today(clock);
}

/// <summary>An invoice as pages show it: its rows, its lines and movements, and its state on the day asked.</summary>
[GenerateSerializer, Immutable]
public sealed record InvoiceView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] Guid PupilId,
    [property: Id(3)] string Number,
    [property: Id(4)] Wallets.StructuredCommunication Communication,
    [property: Id(5)] string Label,
    [property: Id(6)] DateOnly IssuedOn,
    [property: Id(7)] DateOnly DueOn,
    [property: Id(8)] IReadOnlyList<InvoiceLine> Lines,
    [property: Id(9)] long TotalCents,
    [property: Id(10)] long PaidCents,
    [property: Id(11)] long CreditedCents,
    [property: Id(12)] long FlaggedCents,
    [property: Id(13)] IReadOnlyList<InvoiceMovement> Movements,
    [property: Id(14)] InvoiceState State)
{
    public long RemainingCents => TotalCents - CreditedCents - PaidCents;

    /// <summary>
    /// What credit notes gave back of the money paid; <see cref="PaidCents"/> already excludes it, so what was
    /// paid in all is the sum of both.
    /// </summary>
    public long RefundedCents => Movements.Where(m => m.Kind == InvoiceMovementKind.CreditNote).Sum(m => m.ExcessCents);

    /// <summary>How an online payment's reference starts: <c>online/{provider}/{provider's payment id}</c>.</summary>
    public const string OnlineReference = "online/";

    /// <summary>What online payments paid of the invoice that no refund through the provider gave back yet.</summary>
    public long OnlineRefundableCents =>
        Movements.Where(m => m.Kind == InvoiceMovementKind.Payment && m.Reference.StartsWith(OnlineReference, StringComparison.Ordinal)).Sum(m => m.AppliedCents)
        - Movements.Where(m => m is { Kind: InvoiceMovementKind.CreditNote, Excess: ExcessHandling.Provider }).Sum(m => m.ExcessCents);
}

public enum InvoiceMovementKind
{
    Payment = 1,
    CreditNote = 2,
    /// <summary>The manager settles a flagged excess: to the wallet, or paid back by the school's bank.</summary>
    ExcessSettlement = 3,
}

/// <summary>
/// One append-only movement. A payment: <see cref="ReceivedCents"/> arrived, <see cref="AppliedCents"/> of it
/// paid the invoice, the excess went to <see cref="Excess"/>. A credit note: it credits <see cref="ReceivedCents"/>,
/// of which <see cref="AppliedCents"/> lowered what was owed and the excess (money already paid) was refunded
/// to <see cref="Excess"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InvoiceMovement(
    [property: Id(0)] InvoiceMovementKind Kind,
    [property: Id(1)] Wallets.PaymentMethod? Method,
    [property: Id(2)] string Reference,
    [property: Id(3)] long ReceivedCents,
    [property: Id(4)] long AppliedCents,
    [property: Id(5)] long ExcessCents,
    [property: Id(6)] ExcessHandling? Excess,
    [property: Id(7)] string? Payer,
    [property: Id(8)] string? Note,
    [property: Id(9)] DateTimeOffset OccurredAt);