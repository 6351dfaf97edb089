using System.Globalization;

namespace ItSchool.Wallets;

/// <summary>
/// What a ledger entry is about, as a code and its arguments: the words are chosen when someone reads the
/// entry, in their language (the web tier's <c>LedgerSubjectText</c>), never stored. Arguments are data —
/// an article's label, an invoice number, a compartment's name, a day as yyyy-MM-dd — not prose.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LedgerSubject([property: Id(0)] SubjectCode Code, [property: Id(1)] IReadOnlyList<string> Arguments)
{
    public static LedgerSubject BankTopUp { get; } = new(SubjectCode.BankTopUp, []);

    public static LedgerSubject OnlineTopUp { get; } = new(SubjectCode.OnlineTopUp, []);

    /// <summary>The articles of a sale, label then quantity for each line, in the order sold.</summary>
    public static LedgerSubject Sale(IEnumerable<(string Label, int Quantity)> lines) => new(SubjectCode.Sale, Flatten(lines));

    /// <summary>A terminal's void of one of its sales: the same articles, given back.</summary>
    public static LedgerSubject SaleVoid(IEnumerable<(string Label, int Quantity)> lines) => new(SubjectCode.SaleVoid, Flatten(lines));

    public static LedgerSubject Transfer(string fromCompartment, string toCompartment) => new(SubjectCode.Transfer, [fromCompartment, toCompartment]);

    public static LedgerSubject InvoicePayment(string number, string label) => new(SubjectCode.InvoicePayment, [number, label]);

    public static LedgerSubject CreditNote(string number, string label) => new(SubjectCode.CreditNote, [number, label]);

    public static LedgerSubject InvoiceExcess(string number, string label) => new(SubjectCode.InvoiceExcess, [number, label]);

    /// <summary>A manager's correction, with the reason they typed.</summary>
    public static LedgerSubject Correction(string reason) => new(SubjectCode.Correction, [reason]);

    public static LedgerSubject MealReservation(string meal, DateOnly day) => new(SubjectCode.MealReservation, [meal, Day(day)]);

    public static LedgerSubject MealCancellation(string meal, DateOnly day) => new(SubjectCode.MealCancellation, [meal, Day(day)]);

    public static LedgerSubject OrderPurchase(string form) => new(SubjectCode.OrderPurchase, [form]);

    public static LedgerSubject OrderCancellation(string form) => new(SubjectCode.OrderCancellation, [form]);

    /// <summary>A textbook or material bought or rented from the school's list (its title).</summary>
    public static LedgerSubject TextbookPurchase(string title) => new(SubjectCode.TextbookPurchase, [title]);

    public static LedgerSubject TextbookDeposit(string title) => new(SubjectCode.TextbookDeposit, [title]);

    public static LedgerSubject TextbookDepositRefund(string title) => new(SubjectCode.TextbookDepositRefund, [title]);

    /// <summary>A textbook debit given back because the answer's payment could not be completed.</summary>
    public static LedgerSubject TextbookCancellation(string title) => new(SubjectCode.TextbookCancellation, [title]);

    /// <summary>Text kept as it was written: entries from before codes existed that match no known pattern.</summary>
    public static LedgerSubject Verbatim(string text) => new(SubjectCode.Verbatim, [text]);

    /// <summary>The lines of a <see cref="SubjectCode.Sale"/> or <see cref="SubjectCode.SaleVoid"/>.</summary>
    public IEnumerable<(string Label, int Quantity)> SaleLines() =>
        Arguments.Chunk(2).Select(pair => (pair[0], int.Parse(pair[1], CultureInfo.InvariantCulture)));

    static string[] Flatten(IEnumerable<(string Label, int Quantity)> lines) =>
        lines.SelectMany(l => new[] { l.Label, l.Quantity.ToString(CultureInfo.InvariantCulture) }).ToArray();

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Equal by content: records compare lists by reference.</summary>
    public bool Equals(LedgerSubject? other) => other is not null && Code == other.Code && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Code, Arguments.Count);
}

/// <summary>The kinds of ledger subject; stored in <c>ledger_entries.subject_code</c> in snake case (<see cref="LedgerNames"/>).</summary>
public enum SubjectCode
{
    Verbatim = 0,
    BankTopUp = 1,
    OnlineTopUp = 2,
    Sale = 3,
    SaleVoid = 4,
    Transfer = 5,
    InvoicePayment = 6,
    CreditNote = 7,
    InvoiceExcess = 8,
    Correction = 9,
    MealReservation = 10,
    MealCancellation = 11,
    OrderPurchase = 12,
    OrderCancellation = 13,
    TextbookPurchase = 14,
    TextbookDeposit = 15,
    TextbookDepositRefund = 16,
    TextbookCancellation = 17,
}