using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// What a statement file says, in the order it says it: a statement opens, its movements follow one by one,
/// it closes. Readers yield these parts as they read, so a file of any size is never held whole.
/// </summary>
public abstract record StatementPart;

/// <summary>A statement of one account: its number (restarting every year) and its opening balance.</summary>
public sealed record StatementOpened(string Account, string Currency, int Number, long OpeningCents, DateOnly OpeningDate) : StatementPart;

/// <summary>
/// One booked movement. <paramref name="AmountCents"/> is signed (a debit is negative); the bank's reference
/// identifies it for good, whichever file it comes in again.
/// </summary>
public sealed record BankMovement(
    string Reference, long AmountCents, DateOnly ValueDate, StructuredCommunication? Structured, string Communication,
    string? CounterpartyName, string? CounterpartyAccount) : StatementPart;

public sealed record StatementClosed(long ClosingCents, DateOnly ClosingDate) : StatementPart;

/// <summary>A file that breaks its format's rules, with where (a line or an element) and why, in French.</summary>
public sealed class StatementFormatException(string where, string reason) : Exception($"{where} : {reason}")
{
    public string Where { get; } = where;
    public string Reason { get; } = reason;
}

public enum StatementFormat
{
    Coda,
    Camt053,
}