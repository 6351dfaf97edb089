using System.Globalization;
using System.Text;
using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// Reads CODA, the Belgian banks' statement format (Febelfin CODA 2.x): lines of exactly 128 characters,
/// one statement per block 0 (header) · 1 (old balance) · 2.1/2.2/2.3 and 3.1/3.2/3.3 (a movement and
/// its continuations) · 4 (free communication) · 8 (new balance) · 9 (trailer), several blocks per file.
/// It checks what the format lets it check: lengths, record order, sequence numbers, the trailer's
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
            var where = $"ligne {lineNumber}";
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length != RecordLength)
            {
                throw new StatementFormatException(where, $"l'enregistrement fait {line.Length} caractères au lieu de {RecordLength}");
            }
            sawAny = true;
            var type = line[0] is '2' or '3' ? line[..2] : line[..1];
            foreach (var part in block.Accept(type, line, where))
            {
                yield return part;
            }
        }
        if (!sawAny)
        {
            throw new StatementFormatException("fichier", "le fichier est vide");
        }
        if (block.Open)
        {
            throw new StatementFormatException($"ligne {lineNumber}", "fichier tronqué : le relevé n'a pas d'enregistrement final (9)");
        }
    }

    /// <summary>The state of the statement being read, from its header (0) to its trailer (9).</summary>
    sealed class Block
    {
        string expected = "0";
        string account = "";
        int records;
        long opening;
        long credits;
        long debits;
        long closing;
        int lastSequence;
        Pending? movement;
        string? lastOfMovement;

        public bool Open => expected != "0";

        public IEnumerable<StatementPart> Accept(string type, string line, string where)
        {
            switch (type)
            {
                case "0":
                    Expect(expected == "0", where, "un en-tête (0) au milieu d'un relevé");
                    Expect(line[1..5] == "0000", where, "l'en-tête (0) doit commencer par 00000");
                    Expect(line[127] == '2', where, $"version CODA {line[127]} non prise en charge (seule la version 2 l'est)");
                    Date(line, 5, where);
                    expected = "1";
                    records = 0;
                    credits = debits = 0;
                    lastSequence = 0;
                    break;
                case "1":
                    Expect(expected == "1", where, OutOfOrder("ancien solde (1)"));
                    records++;
                    account = Account(line[1], line.Substring(5, 37), where);
                    var currency = line.Substring(39, 3);
                    Expect(currency == "EUR", where, $"devise {currency} : seuls les comptes en euros sont pris en charge");
                    opening = Balance(line[42], line.Substring(43, 15), where);
                    var number = Digits(line.Substring(2, 3), where, "numéro de relevé");
                    expected = "movements";
                    yield return new StatementOpened(account, currency, (int)number, opening, Date(line, 58, where));
                    break;
                case "21":
                    Expect(expected == "movements", where, OutOfOrder("mouvement (2.1)"));
                    records++;
                    if (movement is not null)
                    {
                        foreach (var part in Flush())
                        {
                            yield return part;
                        }
                    }
                    movement = Movement(line, where);
                    lastOfMovement = "21";
                    break;
                case "22" or "23":
                    Expect(movement is not null && Continues(line, movement), where, $"suite de mouvement ({type[0]}.{type[1]}) sans le mouvement (2.1) qui la précède");
                    Expect(type == "22" ? lastOfMovement == "21" : lastOfMovement is "21" or "22", where, OutOfOrder($"enregistrement {type[0]}.{type[1]}"));
                    records++;
                    if (type == "22")
                    {
                        movement!.Text.Append(line.AsSpan(10, 53));
                    }
                    else
                    {
                        movement!.CounterpartyAccount = Blank(line.Substring(10, 34));
                        movement.CounterpartyName = Blank(line.Substring(47, 35));
                        movement.Text.Append(line.AsSpan(82, 43));
                    }
                    lastOfMovement = type;
                    break;
                case "31" or "32" or "33":
                    Expect(movement is not null && Continues(line, movement), where, $"information ({type[0]}.{type[1]}) sans le mouvement (2.1) qui la précède");
                    records++;
                    lastOfMovement = type;
                    break;
                case "4":
                    Expect(expected is "movements" or "trailer", where, OutOfOrder("communication libre (4)"));
                    break;
                case "8":
                    Expect(expected == "movements", where, OutOfOrder("nouveau solde (8)"));
                    records++;
                    if (movement is not null)
                    {
                        foreach (var part in Flush())
                        {
                            yield return part;
                        }
                    }
                    var closingAccount = line.Substring(4, 34).Trim();
                    Expect(closingAccount == account, where, $"le nouveau solde est celui du compte {closingAccount}, pas de {account}");
                    closing = Balance(line[41], line.Substring(42, 15), where);
                    if (opening + credits - debits != closing)
                    {
                        throw new StatementFormatException(where,
                            $"ancien solde {Money(opening)} + crédits {Money(credits)} − débits {Money(debits)} = {Money(opening + credits - debits)}, " +
                            $"mais le nouveau solde est {Money(closing)}");
                    }
                    expected = "trailer";
                    yield return new StatementClosed(closing, Date(line, 57, where));
                    break;
                case "9":
                    Expect(expected == "trailer", where, OutOfOrder("enregistrement final (9)"));
                    var count = Digits(line.Substring(16, 6), where, "nombre d'enregistrements");
                    Expect(count == records, where, $"l'enregistrement final annonce {count} enregistrements, le relevé en compte {records}");
                    var debitTotal = Amount(line.Substring(22, 15), where);
                    var creditTotal = Amount(line.Substring(37, 15), where);
                    Expect(debitTotal == debits, where, $"total des débits annoncé {Money(debitTotal)}, calculé {Money(debits)}");
                    Expect(creditTotal == credits, where, $"total des crédits annoncé {Money(creditTotal)}, calculé {Money(credits)}");
                    expected = "0";
                    break;
                default:
                    throw new StatementFormatException(where, $"type d'enregistrement « {type} » inconnu");
            }
        }

        static string OutOfOrder(string what) => $"{what} inattendu à cet endroit du relevé";

        Pending Movement(string line, string where)
        {
            var sequence = (int)Digits(line.Substring(2, 4), where, "numéro de séquence");
            var detail = (int)Digits(line.Substring(6, 4), where, "numéro de détail");
            Expect(sequence == lastSequence + 1 || (sequence == lastSequence && detail > 0), where,
                $"numéro de séquence {sequence:D4} après {lastSequence:D4}");
            lastSequence = sequence;
            var reference = line.Substring(10, 21).Trim();
            Expect(reference.Length > 0, where, "référence bancaire du mouvement manquante");
            var amount = Balance(line[31], line.Substring(32, 15), where);
            // A globalised movement (code 1–9) is followed by its details: the details are the movements,
            // the global line counts only in the totals.
            var globalised = line[124] is >= '1' and <= '9';
            if (detail == 0)
            {
                if (amount >= 0)
                {
                    credits += amount;
                }
                else
                {
                    debits -= amount;
                }
            }
            StructuredCommunication? structured = null;
            var text = new System.Text.StringBuilder();
            if (line[61] == '1')
            {
                var kind = line.Substring(62, 3);
                if (kind is "101" or "102")
                {
                    Expect(StructuredCommunication.TryParse(line.Substring(65, 12), out var ogm), where,
                        $"communication structurée {line.Substring(65, 12)} invalide (contrôle modulo 97)");
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
            var reference2 = detail > 0 ? $"{reference}/{detail:D4}" : reference;
            return new Pending(sequence, detail, reference2, amount, Date(line, 47, where), structured, text, globalised && detail == 0);
        }

        IEnumerable<StatementPart> Flush()
        {
            var m = movement!;
            movement = null;
            if (!m.Globalised)
            {
                yield return new BankMovement(m.Reference, m.AmountCents, m.ValueDate, m.Structured,
                    string.Join(' ', m.Text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)), m.CounterpartyName, m.CounterpartyAccount);
            }
        }

        static bool Continues(string line, Pending movement) =>
            int.TryParse(line.AsSpan(2, 4), out var sequence) && sequence == movement.Sequence &&
            int.TryParse(line.AsSpan(6, 4), out var detail) && detail == movement.Detail;
    }

    sealed class Pending(int sequence, int detail, string reference, long amount, DateOnly valueDate, StructuredCommunication? structured,
        System.Text.StringBuilder text, bool globalised)
    {
        public int Sequence { get; } = sequence;
        public int Detail { get; } = detail;
        public string Reference { get; } = reference;
        public long AmountCents { get; } = amount;
        public DateOnly ValueDate { get; } = valueDate;
        public StructuredCommunication? Structured { get; } = structured;
        public System.Text.StringBuilder Text { get; } = text;
        public bool Globalised { get; } = globalised;
        public string? CounterpartyName { get; set; }
        public string? CounterpartyAccount { get; set; }
    }

    /// <summary>Structure 2 is a Belgian IBAN (16 characters), 3 a foreign one; 0 and 1 are the pre-IBAN layouts.</summary>
    static string Account(char structure, string field, string where)
    {
        Expect(structure is '2' or '3', where, $"structure de compte « {structure} » : seuls les comptes IBAN (2 ou 3) sont pris en charge");
        var number = structure == '2' ? field[..16] : field[..34].Trim();
        Expect(number.Length > 0 && number.All(char.IsAsciiLetterOrDigit), where, $"numéro de compte « {number.Trim()} » illisible");
        return number;
    }

    static long Balance(char sign, string digits, string where)
    {
        Expect(sign is '0' or '1', where, $"signe « {sign} » invalide (0 crédit, 1 débit)");
        var cents = Amount(digits, where);
        return sign == '1' ? -cents : cents;
    }

    /// <summary>CODA amounts have three decimals; euro amounts end in 0.</summary>
    static long Amount(string digits, string where)
    {
        var thousandths = Digits(digits, where, "montant");
        Expect(thousandths % 10 == 0, where, $"montant {digits} avec des millièmes d'euro");
        return thousandths / 10;
    }

    static long Digits(string text, string where, string what)
    {
        Expect(text.All(char.IsAsciiDigit), where, $"{what} « {text} » : des chiffres sont attendus");
        return long.Parse(text, CultureInfo.InvariantCulture);
    }

    static DateOnly Date(string line, int start, string where)
    {
        var text = line.Substring(start, 6);
        Expect(DateOnly.TryParseExact(text, "ddMMyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date), where,
            $"date « {text} » invalide (JJMMAA attendu)");
        return date;
    }

    static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    static string Money(long cents) => (cents / 100m).ToString("0.00", CultureInfo.GetCultureInfo("fr-BE")) + " €";

    static void Expect(bool condition, string where, string reason)
    {
        if (!condition)
        {
            throw new StatementFormatException(where, reason);
        }
    }

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
                    throw new StatementFormatException("ligne 1", "fichier encodé en UTF-16 : un fichier CODA est en texte simple (Latin-1 ou UTF-8)");
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
                throw new StatementFormatException($"ligne {number + 1}", "ligne sans fin : ce n'est pas un fichier CODA");
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
                throw new StatementFormatException($"ligne {number}", $"caractère de contrôle 0x{c:X2} : le fichier n'est pas du texte Latin-1 ou UTF-8");
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