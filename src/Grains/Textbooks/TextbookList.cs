using ItSchool.Wallets;

namespace ItSchool.Textbooks;

public enum TextbookPayment
{
    /// <summary>Each ordered item debited from the pupil's wallet (the list's compartment) under a key of its own.</summary>
    Wallet = 1,
    /// <summary>One invoice for the confirmation's items, with its own structured communication.</summary>
    Invoice = 2,
}

/// <summary>What a family answered for one item of the list.</summary>
public enum TextbookChoice
{
    Order = 1,
    /// <summary>"Nous l'avons déjà": a book from an older sibling, bought elsewhere…</summary>
    Owned = 2,
    /// <summary>Allowed for optional items only.</summary>
    NotNeeded = 3,
}

/// <summary>
/// A class's list for a school year (<see cref="SchoolYear"/> the year it starts: 2026 for 2026-2027), open to the class's
/// families from <see cref="OpensOn"/> to <see cref="ClosesOn"/> inclusive, in the school's days.
/// </summary>
public sealed record TextbookList(
    Guid Id,
    Guid SchoolId,
    string ClassName,
    int SchoolYear,
    DateOnly OpensOn,
    DateOnly ClosesOn,
    TextbookPayment Payment,
    int? Compartment,
    int DueDays,
    IReadOnlyList<TextbookItem> Items)
{
    public bool IsOpenOn(DateOnly day) => OpensOn <= day && day <= ClosesOn;

    public TextbookItem? Item(Guid id) => Items.FirstOrDefault(i => i.Id == id);

    /// <summary>"2026-2027".</summary>
    public string Year => $"{SchoolYear}-{SchoolYear + 1}";
}

/// <summary>A book or material of a list; a rental has a deposit (refunded on return) and a day it must come back.</summary>
public sealed record TextbookItem(
    Guid Id,
    string Title,
    string Publisher,
    string? Isbn,
    long PriceCents,
    bool Rental,
    long DepositCents,
    DateOnly? ReturnOn,
    bool Compulsory)
{
    /// <summary>What ordering it costs now: the price, and the deposit of a rental.</summary>
    public long ChargedCents => PriceCents + DepositCents;
}

/// <summary>An item as a confirmation holds it: copied at the moment of the answer, with the school's marks since.</summary>
public sealed record ChosenItem(
    TextbookItem Item,
    TextbookChoice Choice,
    DateTimeOffset? HandedOutAt,
    DateTimeOffset? ReturnedAt)
{
    public bool Ordered => Choice == TextbookChoice.Order;
}

/// <summary>A family's answer on a list for one pupil, and how it is paid.</summary>
public sealed record TextbookConfirmation(
    Guid Id,
    Guid ListId,
    Guid SchoolId,
    Guid PupilId,
    TextbookPayment Payment,
    int? Compartment,
    Guid? InvoiceId,
    long TotalCents,
    Actor ConfirmedBy,
    DateTimeOffset ConfirmedAt,
    IReadOnlyList<ChosenItem> Items)
{
    public IEnumerable<ChosenItem> Ordered => Items.Where(i => i.Ordered);

    /// <summary>The wallet debit of an item's price; its deposit has its own (one entry each in the parent's operations).</summary>
    public string DebitKey(Guid itemId) => $"textbook/{Id}/{itemId}";

    public string DepositKey(Guid itemId) => $"textbook-deposit/{Id}/{itemId}";

    /// <summary>The deposit's refund: in the wallet under this key, or as a credit note of this reference on the invoice.</summary>
    public string DepositRefundKey(Guid itemId) => $"textbook-deposit-refund/{Id}/{itemId}";

    /// <summary>What a declined wallet confirmation gives back of an item's debit that went through.</summary>
    public string UndoKey(string debitKey) => $"undo/{debitKey}";
}

/// <summary>The limits the database holds the school's input to.</summary>
public static class TextbookLimits
{
    public const int Title = 160;
    public const int Publisher = 80;
    public const int ClassName = 40;
    public const int MaxItems = 40;
    public const long MaxPriceCents = 10_000_000;
}