using ItSchool.Wallets;

namespace ItSchool.Invoices;

[GenerateSerializer, Immutable]
public sealed record InvoiceLine(
    [property: Id(0)] string Label,
    [property: Id(1)] int Quantity,
    [property: Id(2)] long UnitCents)
{
    public long TotalCents => Quantity * UnitCents;
}

[GenerateSerializer, Immutable]
public sealed record NewInvoice(
    [property: Id(0)] Guid SchoolId,
    [property: Id(1)] Guid PupilId,
    [property: Id(2)] string Label,
    [property: Id(3)] DateOnly IssuedOn,
    [property: Id(4)] DateOnly DueOn,
    [property: Id(5)] IReadOnlyList<InvoiceLine> Lines,
    [property: Id(6)] Actor CausedBy);

public enum IssueProblem
{
    NoLines = 1,
    InvalidLine = 2,
    NoLabel = 3,
    DueBeforeIssue = 4,
    UnknownPupil = 5,
    AlreadyIssuedOtherwise = 6,
    LabelTooLong = 7,
}

/// <summary>The longest texts an invoice takes: the forms say the same, and the grain refuses anything longer.</summary>
public static class InvoiceLimits
{
    public const int Label = 200;
    public const int LineLabel = 200;
    /// <summary>A grouped invoice's line is a charge's label (<see cref="LineLabel"/>) after its day ("05/11 ").</summary>
    public const int IssuedLineLabel = LineLabel + 10;
    public const int Note = 200;
    /// <summary>A form's idempotency key.</summary>
    public const int Key = 100;
}

[GenerateSerializer, Immutable]
public sealed record IssueResult([property: Id(0)] InvoiceView? Invoice, [property: Id(1)] IssueProblem? Problem);

/// <summary>A credit found on a bank statement: the contract the bank statement import relies on.</summary>
[GenerateSerializer, Immutable]
public sealed record InvoiceTransfer(
    [property: Id(0)] string BankReference,
    [property: Id(1)] long AmountCents,
    [property: Id(2)] DateOnly ValueDate,
    [property: Id(3)] string? PayerName);

[GenerateSerializer, Immutable]
public sealed record OnlineInvoicePayment(
    [property: Id(0)] string ProviderPaymentId,
    [property: Id(1)] long AmountCents,
    [property: Id(2)] PaymentMethod Method,
    [property: Id(3)] Actor CausedBy);

/// <summary>
/// A parent's "Payer depuis le portefeuille". <see cref="AmountCents"/> null pays all that is owed (or what the
/// purse holds, if the school allows partial payments).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WalletPayment(
    [property: Id(0)] string AttemptKey,
    [property: Id(1)] long? AmountCents,
    [property: Id(2)] Actor CausedBy);

/// <summary>
/// A credit note. It lowers what is still owed first; what it credits beyond that was already paid and is
/// refunded <see cref="RefundTo"/> the pupil's wallet, by the school's own transfer
/// (<see cref="ExcessHandling.Refund"/>) or through the online provider that took it (<see cref="ExcessHandling.Provider"/>).
/// <see cref="AmountCents"/> null credits everything still owed (a cancellation), and everything paid too when
/// a refund is chosen.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CreditNote(
    [property: Id(0)] string Reference,
    [property: Id(1)] long? AmountCents,
    [property: Id(2)] string Reason,
    [property: Id(3)] Actor CausedBy,
    [property: Id(4)] ExcessHandling? RefundTo = null);

/// <summary>
/// Money the school took itself for an invoice (cash at the office, a cheque…), recorded by a manager: never
/// more than what remains, with a note saying how. The reference (one per form shown) is the idempotency key.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ManualPayment(
    [property: Id(0)] string Reference,
    [property: Id(1)] long AmountCents,
    [property: Id(2)] PaymentMethod Method,
    [property: Id(3)] string Note,
    [property: Id(4)] Actor CausedBy);

public enum InvoiceDecline
{
    UnknownInvoice = 1,
    InvalidAmount = 2,
    NothingOwed = 3,
    MethodNotOffered = 4,
    InsufficientFunds = 5,
    ReferenceUsedForAnotherMovement = 6,
    /// <summary>The wallet could not answer now: the payment is written down and will be finished on its own.</summary>
    InProgress = 7,
    NothingFlagged = 8,
    /// <summary>A credit note beyond what is owed refunds paid money: it must say where the money goes.</summary>
    RefundNeedsChoice = 9,
    /// <summary>A refund through the online provider asked for more than the invoice's online payments still hold.</summary>
    NotPaidOnline = 10,
    /// <summary>The note or reason is missing where required, or longer than <see cref="InvoiceLimits.Note"/>.</summary>
    NoteNeeded = 11,
}

/// <summary>Where money paid beyond what was owed went.</summary>
public enum ExcessHandling
{
    Wallet = 1,
    Flag = 2,
    /// <summary>Paid back to the payer by the school from its own bank account (settling a flagged excess, or a credit note's refund).</summary>
    Refund = 3,
    /// <summary>Paid back through the online provider that took it (a credit note's refund of online payments).</summary>
    Provider = 4,
}

/// <summary>
/// The manager's decision on part or all of a flagged excess: <see cref="To"/> the pupil's wallet, or
/// <see cref="ExcessHandling.Refund"/> (the school paid it back itself). The reference is the idempotency key.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExcessSettlement(
    [property: Id(0)] string Reference,
    [property: Id(1)] long AmountCents,
    [property: Id(2)] ExcessHandling To,
    [property: Id(3)] string Note,
    [property: Id(4)] Actor CausedBy);

/// <summary>
/// What a payment or credit note did: how much went to the invoice, how much was beyond what was owed and
/// where that went, and the invoice afterwards. The same reference asked again gets this same answer.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PaymentOutcome(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] InvoiceDecline? Reason,
    [property: Id(2)] long AppliedCents,
    [property: Id(3)] long ExcessCents,
    [property: Id(4)] ExcessHandling? Excess,
    [property: Id(5)] long RemainingCents,
    [property: Id(6)] long? AvailableCents)
{
    public static PaymentOutcome Declined(InvoiceDecline reason, long remaining = 0, long? available = null) =>
        new(false, reason, 0, 0, null, remaining, available);
}