namespace ItSchool.Wallets;

/// <summary>Money into one compartment: a top-up, a refund, a cancellation, a positive correction.</summary>
[GenerateSerializer, Immutable]
public sealed record Credit(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] int Compartment,
    [property: Id(2)] long AmountCents,
    [property: Id(3)] MovementKind Kind,
    [property: Id(4)] PaymentMethod? Method,
    [property: Id(5)] LedgerSubject Subject,
    [property: Id(6)] Actor CausedBy,
    [property: Id(7)] LedgerAttachment? Attachment = null,
    [property: Id(8)] SpendKind? Spend = null);

/// <summary>Money out of one compartment: a sale, a meal, an invoice paid from the wallet, a negative correction.</summary>
[GenerateSerializer, Immutable]
public sealed record Debit(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] int Compartment,
    [property: Id(2)] long AmountCents,
    [property: Id(3)] MovementKind Kind,
    [property: Id(4)] PaymentMethod? Method,
    [property: Id(5)] LedgerSubject Subject,
    [property: Id(6)] Actor CausedBy,
    [property: Id(7)] LedgerAttachment? Attachment = null,
    [property: Id(8)] Spend? Spend = null);

/// <summary>From one of the pupil's compartments to the other: both entries or neither.</summary>
[GenerateSerializer, Immutable]
public sealed record Transfer(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] int FromCompartment,
    [property: Id(2)] int ToCompartment,
    [property: Id(3)] long AmountCents,
    [property: Id(4)] Actor CausedBy);

public enum DeclineReason
{
    InsufficientFunds = 1,
    UnknownCompartment = 2,
    InvalidAmount = 3,
    SameCompartment = 4,
    KeyReusedForAnotherMovement = 5,
    DailyLimitExceeded = 6,
    WeeklyLimitExceeded = 7,
    ArticleNotAllowed = 8,
}

/// <summary>
/// A purse's answer. Accepted answers are remembered per idempotency key, so asking again returns this
/// very answer (with the balance right after the movement, not today's).
/// </summary>
/// <param name="Replayed">The answer of an earlier request under the same key: this one wrote nothing (nor its attachment).</param>
[GenerateSerializer, Immutable]
public sealed record MovementResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] DeclineReason? Reason,
    [property: Id(2)] IReadOnlyList<long> EntryIds,
    [property: Id(3)] IReadOnlyList<CompartmentBalance> BalancesAfter,
    [property: Id(4)] long? AvailableCents,
    [property: Id(5)] bool Replayed = false)
{
    public static MovementResult Declined(DeclineReason reason, long? availableCents = null) =>
        new(false, reason, [], [], availableCents);
}

[GenerateSerializer, Immutable]
public sealed record CompartmentBalance([property: Id(0)] int Compartment, [property: Id(1)] long BalanceCents);

/// <summary>A compartment as parents see it.</summary>
[GenerateSerializer, Immutable]
public sealed record CompartmentView(
    [property: Id(0)] int Compartment,
    [property: Id(1)] string Name,
    [property: Id(2)] long BalanceCents,
    [property: Id(3)] long FloorCents,
    [property: Id(4)] StructuredCommunication Communication);

/// <summary>A ledger entry as parents see it in "Opérations financières".</summary>
[GenerateSerializer, Immutable]
public sealed record LedgerLine(
    [property: Id(0)] long Id,
    [property: Id(1)] int Compartment,
    [property: Id(2)] long AmountCents,
    [property: Id(3)] long BalanceAfterCents,
    [property: Id(4)] MovementKind Kind,
    [property: Id(5)] PaymentMethod? Method,
    [property: Id(6)] LedgerSubject Subject,
    [property: Id(7)] DateTimeOffset OccurredAt);