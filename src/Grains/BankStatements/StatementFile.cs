using System.Security.Cryptography;
using System.Text;

namespace ItSchool.BankStatements;

/// <summary>One statement of a file, as the first (checking) pass found it.</summary>
public sealed record StatementSummary(
    string Account, int Year, int Number, long OpeningCents, long ClosingCents, DateOnly ClosingDate, int Movements,
    long CreditsCents, long DebitsCents, byte[] Digest);

/// <summary>
/// A statement file of either format, read in passes: the file is opened again for each pass rather than
/// kept in memory. The first pass checks the whole file (and fails with the line or element at fault)
/// before anything is recorded.
/// </summary>
public static class StatementFile
{
    public static StatementFormat Detect(Stream stream)
    {
        Span<byte> start = stackalloc byte[64];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var text = start[..read];
        if (text.StartsWith("\xEF\xBB\xBF"u8))
        {
            text = text[3..];
        }
        var first = text.TrimStart(" \t\r\n"u8);
        return first switch
        {
            [] => throw new StatementFormatException(StatementPlace.File, BankMessage.Of("Coda.Empty")),
            [(byte)'<', ..] => StatementFormat.Camt053,
            [(byte)'0', ..] => StatementFormat.Coda,
            [0xFF or 0xFE, ..] => throw new StatementFormatException(StatementPlace.Line(1), BankMessage.Of("Coda.Utf16")),
            _ => throw new StatementFormatException(StatementPlace.Line(1), BankMessage.Of("File.UnknownFormat")),
        };
    }

    /// <summary>Above the upload page's 50 MB cap: a bigger file is refused before it costs more than one pass.</summary>
    public const long MaxBytes = 64 * 1024 * 1024;

    /// <param name="cancellationToken">The request's: a client that leaves stops the pass at its next read.</param>
    public static IEnumerable<StatementPart> Read(StatementFormat format, Stream stream, CancellationToken cancellationToken = default)
    {
        var guarded = new GuardedStatementStream(stream, cancellationToken);
        return format == StatementFormat.Coda ? CodaReader.Read(guarded) : CamtReader.Read(guarded);
    }

    /// <summary>The checking pass: every rule of the format, and each statement's summary and digest.</summary>
    public static (StatementFormat Format, IReadOnlyList<StatementSummary> Statements) Check(Func<Stream> open,
        CancellationToken cancellationToken = default)
    {
        StatementFormat format;
        using (var head = open())
        {
            format = Detect(head);
        }
        using var stream = open();
        var statements = new List<StatementSummary>();
        foreach (var statement in Statements(Read(format, stream, cancellationToken)))
        {
            statement.Finish();
            statements.Add(statement.Summary);
        }
        return (format, statements);
    }

    /// <summary>Each statement with its movements, as they are read; the summary is complete once the movements were enumerated.</summary>
    public static IEnumerable<StatementReading> Statements(IEnumerable<StatementPart> parts)
    {
        using var enumerator = parts.GetEnumerator();
        while (enumerator.MoveNext())
        {
            if (enumerator.Current is not StatementOpened opened)
            {
                throw new InvalidOperationException("A reader yields a statement's opening first.");
            }
            var reading = new StatementReading(opened, enumerator);
            yield return reading;
            reading.Finish();
        }
    }
}

/// <summary>A statement being read: enumerate <see cref="Movements"/> once, then read <see cref="Summary"/>.</summary>
public sealed class StatementReading
{
    readonly StatementOpened opened;
    readonly IEnumerator<StatementPart> parts;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    int movements;
    long credits;
    long debits;
    StatementSummary? summary;

    internal StatementReading(StatementOpened opened, IEnumerator<StatementPart> parts)
    {
        this.opened = opened;
        this.parts = parts;
        Add($"{opened.Account}|{opened.Number}|{opened.OpeningCents}|{opened.OpeningDate:O}");
    }

    public StatementOpened Opened => opened;

    public StatementSummary Summary => summary ?? throw new InvalidOperationException("Read the movements first.");

    public IEnumerable<BankMovement> Movements
    {
        get
        {
            while (summary is null && parts.MoveNext())
            {
                switch (parts.Current)
                {
                    case BankMovement movement:
                        movements++;
                        if (movement.AmountCents > 0)
                        {
                            credits += movement.AmountCents;
                        }
                        else
                        {
                            debits -= movement.AmountCents;
                        }
                        Add($"{movement.Reference}|{movement.AmountCents}|{movement.ValueDate:O}|{movement.Structured}|{movement.Communication}");
                        yield return movement;
                        break;
                    case StatementClosed closed:
                        Add($"{closed.ClosingCents}|{closed.ClosingDate:O}");
                        summary = new StatementSummary(opened.Account, closed.ClosingDate.Year, opened.Number, opened.OpeningCents,
                            closed.ClosingCents, closed.ClosingDate, movements, credits, debits, hash.GetHashAndReset());
                        break;
                }
            }
        }
    }

    internal void Finish()
    {
        foreach (var _ in Movements)
        {
        }
        if (summary is null)
        {
            throw new InvalidOperationException("A reader yields a statement's closing last.");
        }
    }

    void Add(string line) => hash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
}