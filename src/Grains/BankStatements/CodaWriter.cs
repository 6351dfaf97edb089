using System.Text;
using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// Writes CODA statements, the layout <see cref="CodaReader"/> reads: for the tests' files and the import
/// benchmark, which need statements of any size with the communications of a given database. It writes
/// line by line to a stream, so a statement of any size costs no memory.
/// </summary>
public sealed class CodaWriter(Stream stream, string account)
{
    readonly StreamWriter writer = new(stream, Encoding.Latin1, 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
    int number;
    long opening;
    long credits;
    long debits;
    int records;
    int sequence;
    DateOnly date;

    public void Open(int statementNumber, long openingCents, DateOnly statementDate)
    {
        (number, opening, date, credits, debits, records, sequence) = (statementNumber, openingCents, statementDate, 0, 0, 0, 0);
        Line($"00000{D(date)}72505        {"ECOLE",-10}{"ECOLE",-26}{"KREDBEBB",-11}{"",-11} {"",5}{"",16}{"",16}       2");
        Line($"12{number % 1000:D3}{account,-34}EUR{Sign(opening)}{Math.Abs(opening) * 10:D15}{D(date)}{"ECOLE",-26}{"",-35}{number % 1000:D3}");
    }

    /// <summary>A movement: a structured communication when <paramref name="communication"/> is one, free text otherwise.</summary>
    public void Movement(string reference, long amountCents, string communication, string? counterpartyName = null)
    {
        Count(amountCents);
        Entry(0, reference, amountCents, '0', '0', communication, counterpartyName, informed: false);
    }

    /// <summary>
    /// A globalised movement, as banks report a day's transfers with structured communications in one booking:
    /// a 2.1 with the total (transaction type 2, globalisation code 1), then each transfer as a detail 2.1 (type 6)
    /// with its payer's communication and name, and an information record 3.1 naming the payer; each record takes
    /// the next detail number. The last detail closes the globalisation with code 1 again. Balances and the
    /// trailer count the total once.
    /// </summary>
    public void Batch(string reference, IReadOnlyList<(long AmountCents, string Communication, string? CounterpartyName)> details)
    {
        var total = details.Sum(d => d.AmountCents);
        Count(total);
        Entry(0, reference, total, '2', '1', $"GLOBALISATION {details.Count} VIREMENTS", null, informed: false);
        var detail = 0;
        foreach (var (index, (amountCents, communication, name)) in details.Index())
        {
            Entry(++detail, reference, amountCents, '6', index == details.Count - 1 ? '1' : '0', communication, name, informed: name is not null);
            if (name is not null)
            {
                Line($"31{sequence:D4}{++detail:D4}{reference,-21}601500001001{(name.Length > 70 ? name[..70] : name),-70}{"",-12}0 0");
            }
        }
    }

    void Count(long amountCents)
    {
        if (++sequence > 9_999)
        {
            throw new InvalidOperationException("This writer numbers a statement's movements on four digits: start a new statement.");
        }
        if (amountCents >= 0)
        {
            credits += amountCents;
        }
        else
        {
            debits -= amountCents;
        }
    }

    /// <summary>
    /// A 2.1 record with its 2.2 (the rest of a long communication) and 2.3 (the counterparty) when needed; the last
    /// of them says whether information records follow (<paramref name="informed"/>).
    /// </summary>
    void Entry(int detail, string reference, long amountCents, char type, char globalisation, string communication, string? counterpartyName,
        bool informed)
    {
        var text = StructuredCommunication.TryParse(communication, out var structured) ? "1101" + structured.Digits : "0" + communication;
        var first = text.Length > 54 ? text[..54] : text;
        var rest = text.Length > 54 ? text[54..] : "";
        var continued = rest.Length > 0 || counterpartyName is not null;
        Line($"21{sequence:D4}{detail:D4}{reference,-21}{Sign(amountCents)}{Math.Abs(amountCents) * 10:D15}{D(date)}{type}0150000{first,-54}" +
            $"{D(date)}{number % 1000:D3}{globalisation}{(continued ? 1 : 0)} {(informed && !continued ? 1 : 0)}");
        if (rest.Length > 0)
        {
            Line($"22{sequence:D4}{detail:D4}{(rest.Length > 53 ? rest[..53] : rest),-53}{"",-35}{"",-11}   {"",-13}{(counterpartyName is null ? 0 : 1)} {(informed && counterpartyName is null ? 1 : 0)}");
        }
        if (counterpartyName is not null)
        {
            Line($"23{sequence:D4}{detail:D4}{"",-34}   {(counterpartyName.Length > 35 ? counterpartyName[..35] : counterpartyName),-35}{"",-43}0 {(informed ? 1 : 0)}");
        }
    }

    /// <summary>Closes the statement (new balance and trailer); returns the closing balance, the next statement's opening.</summary>
    public long Close()
    {
        var closing = opening + credits - debits;
        Line($"8{number % 1000:D3}{account,-34}EUR{Sign(closing)}{Math.Abs(closing) * 10:D15}{D(date)}{"",-64}0");
        writer.WriteLine($"9{"",-15}{records:D6}{debits * 10:D15}{credits * 10:D15}{"",-75}2");
        writer.Flush();
        return closing;
    }

    void Line(string line)
    {
        if (line.Length != CodaReader.RecordLength)
        {
            throw new InvalidOperationException($"A CODA record has {CodaReader.RecordLength} characters, not {line.Length}: {line}");
        }
        if (line[0] != '0')
        {
            records++;
        }
        writer.WriteLine(line);
    }

    static char Sign(long cents) => cents < 0 ? '1' : '0';

    static string D(DateOnly date) => date.ToString("ddMMyy", System.Globalization.CultureInfo.InvariantCulture);
}