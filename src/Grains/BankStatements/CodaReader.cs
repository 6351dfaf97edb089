using System.Globalization;
using System.Text;
using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// Reads CODA, the Belgian banks' statement format (Febelfin CODA 2.x): lines of exactly 128 characters,
/// one statement per block 0 (header) · 1 (old balance) · movements · 8 (new balance) · 4 (free communication)
/// · 9 (trailer), several blocks per file. A movement is a 2.1 record with detail number 0000, continued by
/// its 2.2 and 2.3, then described by information records 3.1/3.2/3.3 carrying its sequence number whatever
/// their detail number (KBC numbers them 0001, others 0000). A globalised movement (globalisation code other
/// than 0) may be followed by detail 2.1 records that split its amount: the balance and the trailer count the
/// movement once, and the import gets the details, which carry each payer's communication (see
/// <see cref="Movement.Parts"/>).
/// It checks what the format lets it check: lengths, record order, sequence and detail numbers, the trailer's
/// record count and totals, and old balance + movements = new balance.
/// </summary>
public static class CodaReader
{
    public const int RecordLength = 128;

    public static IEnumerable<StatementPart> Read(Stream stream)
    {
        var block = new Block();
        var lineNumber = 0;
        var sawAny = false;
        foreach (var line in Lines(stream))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length != RecordLength)
            {
                throw Problem(lineNumber, "WrongLength", line.Length, RecordLength);
            }
            sawAny = true;
            foreach (var part in block.Accept(line, lineNumber))
            {
                yield return part;
            }
        }
        if (!sawAny)
        {
            throw new StatementFormatException(StatementPlace.File, BankMessage.Of("Coda.Empty"));
        }
        Expect(!block.Open, lineNumber, "Truncated");
    }

    enum Expecting
    {
        Header,
        OldBalance,
        Movements,
        Trailer,
    }

    /// <summary>The state of the statement being read, from its header (0) to its trailer (9).</summary>
    sealed class Block
    {
        Expecting expected = Expecting.Header;
        string account = "";
        int records;
        long opening;
        long credits;
        long debits;
        int lastSequence;
        // Emitted once the next movement or the new balance shows that no more of its details follow.
        Movement? movement;
        // The last 2.1 read: the one a 2.2 or 2.3 continues and a 3.x describes.
        Entry? entry;
        // The last record's type: 2.2 follows a 2.1, 2.3 a 2.1 or 2.2, 3.2 a 3.1, 3.3 a 3.2.
        string previous = "";
        // The last 3.1's detail number, which its 3.2 and 3.3 repeat.
        int informationDetail;

        public bool Open => expected != Expecting.Header;

        public IEnumerable<StatementPart> Accept(string line, int at)
        {
            var type = line[0] is '2' or '3' ? line[..2] : line[..1];
            switch (type)
            {
                case "0":
                    InOrder(expected == Expecting.Header, at, "Record.Header");
                    Expect(line[1..5] == "0000", at, "HeaderZeros");
                    Expect(line[127] == '2', at, "Version", line[127].ToString());
                    Date(line, 5, at);
                    expected = Expecting.OldBalance;
                    (records, credits, debits, lastSequence) = (0, 0, 0, 0);
                    break;
                case "1":
                    InOrder(expected == Expecting.OldBalance, at, "Record.OldBalance");
                    records++;
                    account = Account(line[1], line.Substring(5, 37), at);
                    var currency = line.Substring(39, 3);
                    Expect(currency == "EUR", at, "Currency", currency);
                    opening = Balance(line[42], line.Substring(43, 15), at);
                    var number = Digits(line.Substring(2, 3), at, "Field.StatementNumber");
                    expected = Expecting.Movements;
                    previous = type;
                    yield return new StatementOpened(account, currency, (int)number, opening, Date(line, 58, at));
                    break;
                case "21":
                    InOrder(expected == Expecting.Movements, at, "Record.Movement");
                    records++;
                    var sequence = (int)Digits(line.Substring(2, 4), at, "Field.Sequence");
                    var detail = (int)Digits(line.Substring(6, 4), at, "Field.Detail");
                    if (movement is not null && sequence == movement.Sequence)
                    {
                        if (detail <= entry!.Detail)
                        {
                            throw Problem(at, "DetailOrder", sequence, detail, entry.Detail);
                        }
                        entry = Entry.Read(line, detail, at);
                        movement.Details.Add(entry);
                    }
                    else
                    {
                        if (sequence != Next(lastSequence))
                        {
                            throw Problem(at, "SequenceOrder", sequence, lastSequence);
                        }
                        if (detail != 0)
                        {
                            throw Problem(at, "DetailWithoutMovement", sequence, detail);
                        }
                        if (movement is not null)
                        {
                            foreach (var part in movement.Parts())
                            {
                                yield return part;
                            }
                        }
                        entry = Entry.Read(line, 0, at);
                        if (entry.Reference.Length == 0)
                        {
                            throw Problem(at, "MissingReference", sequence);
                        }
                        movement = new Movement(sequence, entry);
                        lastSequence = sequence;
                        // The trailer and the balance count each movement once: its detail 0000, never its details.
                        if (entry.AmountCents >= 0)
                        {
                            credits += entry.AmountCents;
                        }
                        else
                        {
                            debits -= entry.AmountCents;
                        }
                    }
                    previous = type;
                    break;
                case "22" or "23":
                    if (expected != Expecting.Movements || entry is null || !Is(line, movement!.Sequence, entry.Detail))
                    {
                        throw Problem(at, "ContinuationWithoutMovement", $"{type[0]}.{type[1]}", line[2..6], line[6..10]);
                    }
                    if (type == "22" ? previous != "21" : previous is not ("21" or "22"))
                    {
                        throw Problem(at, "OutOfOrder", BankMessage.Of("Coda.Record.Continuation", $"{type[0]}.{type[1]}"));
                    }
                    records++;
                    if (type == "22")
                    {
                        entry!.Text.Append(line.AsSpan(10, 53));
                    }
                    else
                    {
                        entry!.CounterpartyAccount = Blank(line.Substring(10, 34));
                        entry.CounterpartyName = Blank(line.Substring(47, 35));
                        entry.Text.Append(line.AsSpan(82, 43));
                    }
                    previous = type;
                    break;
                case "31":
                    if (expected != Expecting.Movements || movement is null || !Is(line, movement.Sequence, null))
                    {
                        throw Problem(at, "InformationWithoutMovement", "3.1", line[2..6]);
                    }
                    records++;
                    informationDetail = (int)Digits(line.Substring(6, 4), at, "Field.Detail");
                    // Structured information 001 names the counterparty (70 characters) where no 2.3 did.
                    if (line[39] == '1' && line.AsSpan(40, 3) is "001")
                    {
                        entry!.CounterpartyName ??= Blank(line.Substring(43, 70));
                    }
                    previous = type;
                    break;
                case "32" or "33":
                    var continued = type == "32" ? "31" : "32";
                    if (expected != Expecting.Movements || previous != continued || !Is(line, movement!.Sequence, informationDetail))
                    {
                        throw Problem(at, "InformationContinuationAlone", $"{type[0]}.{type[1]}", line[2..6], line[6..10], $"{continued[0]}.{continued[1]}");
                    }
                    records++;
                    previous = type;
                    break;
                case "4":
                    InOrder(expected is Expecting.Movements or Expecting.Trailer, at, "Record.Free");
                    previous = type;
                    break;
                case "8":
                    InOrder(expected == Expecting.Movements, at, "Record.NewBalance");
                    records++;
                    if (movement is not null)
                    {
                        foreach (var part in movement.Parts())
                        {
                            yield return part;
                        }
                    }
                    (movement, entry, previous) = (null, null, type);
                    var closingAccount = line.Substring(4, 34).Trim();
                    Expect(closingAccount == account, at, "ClosingAccount", closingAccount, account);
                    var closing = Balance(line[41], line.Substring(42, 15), at);
                    Expect(opening + credits - debits == closing, at, "Balance",
                        Money(opening), Money(credits), Money(debits), Money(opening + credits - debits), Money(closing));
                    expected = Expecting.Trailer;
                    yield return new StatementClosed(closing, Date(line, 57, at));
                    break;
                case "9":
                    InOrder(expected == Expecting.Trailer, at, "Record.Trailer");
                    var count = Digits(line.Substring(16, 6), at, "Field.RecordCount");
                    Expect(count == records, at, "TrailerCount", count, records);
                    var debitTotal = Amount(line.Substring(22, 15), at);
                    var creditTotal = Amount(line.Substring(37, 15), at);
                    Expect(debitTotal == debits, at, "TrailerDebits", Money(debitTotal), Money(debits));
                    Expect(creditTotal == credits, at, "TrailerCredits", Money(creditTotal), Money(credits));
                    expected = Expecting.Header;
                    break;
                default:
                    throw Problem(at, "UnknownRecord", type);
            }
        }

        /// <summary>After 9999 movements a statement numbers on from 0000.</summary>
        static int Next(int sequence) => sequence == 9_999 ? 0 : sequence + 1;

        /// <summary>Whether a record carries this sequence number and, when given, this detail number.</summary>
        static bool Is(string line, int sequence, int? detail) =>
            int.TryParse(line.AsSpan(2, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s == sequence &&
            (detail is null || (int.TryParse(line.AsSpan(6, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d == detail));
    }

    /// <summary>A movement: its 2.1 record with detail 0000 and the detail 2.1 records that follow with its sequence number.</summary>
    sealed class Movement(int sequence, Entry head)
    {
        public int Sequence { get; } = sequence;
        public Entry Head { get; } = head;
        public List<Entry> Details { get; } = [];

        /// <summary>
        /// What the import gets: a globalised movement's details when they add up to it (the global line
        /// then adds nothing and would credit twice), otherwise the movement itself. A detail that is itself
        /// a total (transaction type 1, 2, 3 or 7: a sub-globalisation) gives way to its own details.
        /// </summary>
        public IEnumerable<BankMovement> Parts()
        {
            var details = Head.Globalised ? Details.Where(d => d.TransactionType is not ('1' or '2' or '3' or '7')).ToList() : [];
            if (details.Count == 0 || details.Sum(d => d.AmountCents) != Head.AmountCents)
            {
                return [Head.ToMovement(Head.Reference)];
            }
            return details.Select(d => d.ToMovement($"{(d.Reference.Length > 0 ? d.Reference : Head.Reference)}/{d.Detail:D4}"));
        }
    }

    /// <summary>One 2.1 record with what its 2.2, 2.3 and information records add.</summary>
    sealed class Entry(int detail, string reference, long amount, DateOnly valueDate, char transactionType, bool globalised,
        StructuredCommunication? structured, StringBuilder text)
    {
        public int Detail { get; } = detail;
        public string Reference { get; } = reference;
        public long AmountCents { get; } = amount;
        public char TransactionType { get; } = transactionType;
        public bool Globalised { get; } = globalised;
        public StringBuilder Text { get; } = text;
        public string? CounterpartyName { get; set; }
        public string? CounterpartyAccount { get; set; }

        public BankMovement ToMovement(string reference) =>
            new(reference, AmountCents, valueDate, structured, string.Join(' ', Text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)),
                CounterpartyName, CounterpartyAccount);

        public static Entry Read(string line, int detail, int at)
        {
            var amount = Balance(line[31], line.Substring(32, 15), at);
            // A bank that does not know the value date writes 000000: the entry date stands in.
            var valueDate = line.AsSpan(47, 6) is "000000" ? Date(line, 115, at) : Date(line, 47, at);
            StructuredCommunication? structured = null;
            var text = new StringBuilder();
            if (line[61] == '1')
            {
                if (line.AsSpan(62, 3) is "101" or "102")
                {
                    if (!StructuredCommunication.TryParse(line.Substring(65, 12), out var ogm))
                    {
                        throw Problem(at, "InvalidCommunication", line.Substring(65, 12));
                    }
                    structured = ogm;
                }
                else
                {
                    text.Append(line.AsSpan(65, 50));
                }
            }
            else
            {
                text.Append(line.AsSpan(62, 53));
            }
            return new Entry(detail, line.Substring(10, 21).Trim(), amount, valueDate, line[53], line[124] is >= '1' and <= '9', structured, text);
        }
    }

    /// <summary>Structure 2 is a Belgian IBAN (16 characters), 3 a foreign one; 0 and 1 are the pre-IBAN layouts.</summary>
    static string Account(char structure, string field, int at)
    {
        Expect(structure is '2' or '3', at, "AccountStructure", structure.ToString());
        var number = structure == '2' ? field[..16] : field[..34].Trim();
        Expect(number.Length > 0 && number.All(char.IsAsciiLetterOrDigit), at, "AccountUnreadable", number.Trim());
        return number;
    }

    static long Balance(char sign, string digits, int at)
    {
        Expect(sign is '0' or '1', at, "Sign", sign.ToString());
        var cents = Amount(digits, at);
        return sign == '1' ? -cents : cents;
    }

    /// <summary>CODA amounts have three decimals; euro amounts end in 0.</summary>
    static long Amount(string digits, int at)
    {
        var thousandths = Digits(digits, at, "Field.Amount");
        Expect(thousandths % 10 == 0, at, "Thousandths", digits);
        return thousandths / 10;
    }

    static long Digits(string text, int at, string field)
    {
        if (!text.All(char.IsAsciiDigit))
        {
            throw Problem(at, "NotDigits", BankMessage.Of($"Coda.{field}"), text);
        }
        return long.Parse(text, CultureInfo.InvariantCulture);
    }

    static DateOnly Date(string line, int start, int at)
    {
        var text = line.Substring(start, 6);
        Expect(DateOnly.TryParseExact(text, "ddMMyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date), at, "Date", text);
        return date;
    }

    static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static CentsArgument Money(long cents) => new(cents);

    static void Expect(bool condition, int line, string reason, params BankArgument[] arguments)
    {
        if (!condition)
        {
            throw Problem(line, reason, arguments);
        }
    }

    static void InOrder(bool condition, int line, string record)
    {
        if (!condition)
        {
            throw Problem(line, "OutOfOrder", BankMessage.Of($"Coda.{record}"));
        }
    }

    static StatementFormatException Problem(int line, string reason, params BankArgument[] arguments) =>
        new(StatementPlace.Line(line), new BankMessage($"Coda.{reason}", arguments));

    static readonly UTF8Encoding StrictUtf8 = new(false, true);
    static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>
    /// Lines as text, read a buffer at a time. Banks write CODA in Latin-1 (some in UTF-8): a line that is
    /// valid UTF-8 is read as such, any other as Latin-1. Control characters mean another encoding
    /// (UTF-16, a binary file), which no decoding would make right.
    /// </summary>
    static IEnumerable<string> Lines(Stream stream)
    {
        var buffered = new BufferedStream(stream, 64 * 1024);
        var line = new List<byte>(256);
        var number = 0;
        int b;
        var first = true;
        while (true)
        {
            b = buffered.ReadByte();
            if (first)
            {
                first = false;
                if (b is 0xFF or 0xFE)
                {
                    throw Problem(1, "Utf16");
                }
            }
            if (b is -1 or '\n')
            {
                number++;
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }
                if (b == -1 && line.Count == 0)
                {
                    yield break;
                }
                yield return Decode(line, number);
                line.Clear();
                if (b == -1)
                {
                    yield break;
                }
                continue;
            }
            if (line.Count > 4 * RecordLength)
            {
                throw Problem(number + 1, "EndlessLine");
            }
            line.Add((byte)b);
        }
    }

    static string Decode(List<byte> bytes, int number)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (span.Length >= 3 && number == 1 && span[0] == 0xEF && span[1] == 0xBB && span[2] == 0xBF)
        {
            span = span[3..];
        }
        foreach (var c in span)
        {
            if (c < 0x20)
            {
                throw Problem(number, "ControlCharacter", $"{c:X2}");
            }
        }
        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            return Latin1.GetString(span);
        }
    }
}