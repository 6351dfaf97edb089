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
        Line($"00000{D(date)}72505        {"ECOLE",-10}{"ECOLE",-26}{"GKCCBEBB",-11}{"",-11} {"",5}{"",16}{"",16}       2");
        Line($"12{number % 1000:D3}{account,-34}EUR{Sign(opening)}{Math.Abs(opening) * 10:D15}{D(date)}{"ECOLE",-26}{"",-35}{number % 1000:D3}");
    }

    /// <summary>A movement: a structured communication when <paramref name="communication"/> is one, free text otherwise.</summary>
    public void Movement(string reference, long amountCents, string communication, string? counterpartyName = null)
    {
        if (++sequence > 9_999)
        {
            throw new InvalidOperationException("A CODA statement numbers its movements on four digits: start a new statement.");
        }
        if (amountCents >= 0)
        {
            credits += amountCents;
        }
        else
        {
            debits -= amountCents;
        }
        var text = StructuredCommunication.TryParse(communication, out var structured) ? "1101" + structured.Digits : "0" + communication;
        var first = text.Length > 54 ? text[..54] : text;
        var rest = text.Length > 54 ? text[54..] : "";
        var continued = rest.Length > 0 || counterpartyName is not null;
        Line($"21{sequence:D4}0000{reference,-21}{Sign(amountCents)}{Math.Abs(amountCents) * 10:D15}{D(date)}00150000{first,-54}{D(date)}{number % 1000:D3}0{(continued ? 1 : 0)} 0");
        if (rest.Length > 0)
        {
            Line($"22{sequence:D4}0000{(rest.Length > 53 ? rest[..53] : rest),-53}{"",-35}{"",-11}   {"",-13}{(counterpartyName is null ? 0 : 1)} 0");
        }
        if (counterpartyName is not null)
        {
            Line($"23{sequence:D4}0000{"",-34}   {(counterpartyName.Length > 35 ? counterpartyName[..35] : counterpartyName),-35}{"",-43}0 0");
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