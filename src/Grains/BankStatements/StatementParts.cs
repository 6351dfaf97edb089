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

/// <summary>A file that breaks its format's rules, with where (a line or an element) and why, as codes.</summary>
public sealed class StatementFormatException(BankMessage where, BankMessage reason) : Exception($"{where} : {reason}")
{
    public StatementProblem Problem { get; } = new(where, reason);
}

/// <summary>Where in a file or in an account's history a problem is.</summary>
public static class StatementPlace
{
    public static BankMessage File { get; } = BankMessage.Of("Where.File");

    public static BankMessage Line(long line) => BankMessage.Of("Where.Line", line);

    public static BankMessage Position(long line, long position) => BankMessage.Of("Where.Position", line, position);

    public static BankMessage Element(string path) => BankMessage.Of("Where.Element", path);

    public static BankMessage ElementAt(long line, string path) => BankMessage.Of("Where.ElementAt", line, path);

    public static BankMessage Statement(long number, string account) => BankMessage.Of("Where.Statement", number, account);

    /// <summary>The client left while the file was being recorded.</summary>
    public static BankMessage Connection { get; } = BankMessage.Of("Where.Connection");
}

public enum StatementFormat
{
    Coda,
    Camt053,
}