using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// Reads ISO 20022 camt.053 (bank-to-customer statement), any version from 001.02 on. The reader moves
/// forward through the document and materialises one child of a statement at a time (one entry, one
/// balance), so memory does not grow with the number of entries. Only booked entries count; the opening
/// (OPBD) and closing (CLBD) balances, the transaction summary and the sum of the entries must agree.
/// </summary>
public static class CamtReader
{
    const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.";

    static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        XmlResolver = null,
        MaxCharactersInDocument = StatementFile.MaxBytes,
    };

    public static IEnumerable<StatementPart> Read(Stream stream)
    {
        using var parts = ReadXml(stream).GetEnumerator();
        while (true)
        {
            try
            {
                if (!parts.MoveNext())
                {
                    yield break;
                }
            }
            catch (XmlException error)
            {
                throw new StatementFormatException(StatementPlace.Position(error.LineNumber, error.LinePosition),
                    Reason("UnreadableXml", error.Message.Split(" Line ")[0].TrimEnd('.', ' ')));
            }
            yield return parts.Current;
        }
    }

    static IEnumerable<StatementPart> ReadXml(Stream stream)
    {
        using var reader = new GuardedXmlReader(XmlReader.Create(stream, Settings));
        reader.MoveToContent();
        if (reader.LocalName != "Document" || !reader.NamespaceURI.StartsWith(NamespacePrefix, StringComparison.Ordinal))
        {
            throw new StatementFormatException(At(reader, reader.LocalName), Reason("NotCamt", reader.NamespaceURI));
        }
        if (!reader.ReadToDescendant("BkToCstmrStmt", reader.NamespaceURI))
        {
            throw new StatementFormatException(At(reader, "Document"), Reason("MissingStatementList"));
        }
        var statements = 0;
        foreach (var _ in Children(reader))
        {
            if (reader.LocalName == "Stmt")
            {
                statements++;
                foreach (var part in ReadStatement(reader, statements))
                {
                    yield return part;
                }
            }
            else
            {
                reader.Skip();
            }
        }
        if (statements == 0)
        {
            throw new StatementFormatException(StatementPlace.Element("BkToCstmrStmt"), Reason("NoStatement"));
        }
    }

    static IEnumerable<StatementPart> ReadStatement(XmlReader reader, int index)
    {
        var path = $"Stmt[{index}]";
        var statementLine = At(reader, path);
        string? account = null;
        string currency = "EUR";
        int? number = null;
        (long Cents, DateOnly Date)? opening = null, closing = null;
        (XElement Element, BankMessage Where)? summary = null;
        var opened = false;
        long credits = 0, debits = 0;
        var entries = 0;
        foreach (var _ in Children(reader))
        {
            var line = LineOf(reader);
            var where = At(line, $"{path}/{reader.LocalName}");
            var element = (XElement)XNode.ReadFrom(reader);
            switch (element.Name.LocalName)
            {
                case "ElctrncSeqNb":
                case "LglSeqNb" when number is null:
                    Expect(int.TryParse(element.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n), where, "StatementNumber", element.Value);
                    number = n;
                    break;
                case "Acct":
                    account = (Child(element, "Id", "IBAN") ?? Child(element, "Id", "Othr", "Id"))?.Trim().Replace(" ", "");
                    currency = Child(element, "Ccy") ?? currency;
                    Expect(currency == "EUR", where, "Currency", currency);
                    break;
                case "Bal":
                    var type = Child(element, "Tp", "CdOrPrtry", "Cd");
                    if (type is "OPBD" or "PRCD" && opening is null)
                    {
                        opening = (Signed(element, where), When(element, "Dt", where));
                    }
                    else if (type == "CLBD")
                    {
                        closing = (Signed(element, where), When(element, "Dt", where));
                    }
                    break;
                case "TxsSummry":
                    summary = (element, where);
                    break;
                case "Ntry":
                    entries++;
                    if (!opened)
                    {
                        yield return Opening();
                        opened = true;
                    }
                    if (Entry(element, At(line, $"{path}/Ntry[{entries}]")) is { } movement)
                    {
                        if (movement.AmountCents > 0)
                        {
                            credits += movement.AmountCents;
                        }
                        else
                        {
                            debits -= movement.AmountCents;
                        }
                        yield return movement;
                    }
                    break;
            }
        }
        if (!opened)
        {
            yield return Opening();
        }
        Expect(closing is not null, statementLine, "MissingClosing");
        if (summary is not null)
        {
            CheckSummary(summary.Value.Element, summary.Value.Where, credits, debits);
        }
        if (opening!.Value.Cents + credits - debits != closing!.Value.Cents)
        {
            throw new StatementFormatException(statementLine, Reason("Balance", Money(opening.Value.Cents), Money(credits), Money(debits),
                Money(opening.Value.Cents + credits - debits), Money(closing.Value.Cents)));
        }
        yield return new StatementClosed(closing.Value.Cents, closing.Value.Date);

        StatementOpened Opening()
        {
            Expect(account is not null, statementLine, "MissingAccount");
            Expect(number is not null, statementLine, "MissingNumber");
            Expect(opening is not null, statementLine, "MissingOpening");
            return new StatementOpened(account!, currency, number!.Value, opening!.Value.Cents, opening.Value.Date);
        }
    }

    static BankMovement? Entry(XElement entry, BankMessage where)
    {
        var status = Child(entry, "Sts", "Cd") ?? Child(entry, "Sts");
        if (status is not null && status.Trim() != "BOOK")
        {
            return null;
        }
        var amount = Signed(entry, where);
        var transaction = Descendant(entry, "NtryDtls", "TxDtls");
        var reference = Child(entry, "AcctSvcrRef") ?? Child(transaction, "Refs", "AcctSvcrRef") ?? Child(transaction, "Refs", "TxId");
        Expect(!string.IsNullOrWhiteSpace(reference), where, "MissingReference");
        var valueDate = Child(entry, "ValDt", "Dt") ?? Child(entry, "ValDt", "DtTm") ?? Child(entry, "BookgDt", "Dt") ?? Child(entry, "BookgDt", "DtTm");
        Expect(valueDate is not null && DateOnly.TryParseExact(valueDate[..Math.Min(10, valueDate.Length)], "yyyy-MM-dd",
            CultureInfo.InvariantCulture, DateTimeStyles.None, out _), where, "ValueDate", valueDate ?? "");

        var remittance = Element(transaction, "RmtInf");
        var creditorReference = Child(remittance, "Strd", "CdtrRefInf", "Ref");
        StructuredCommunication? structured = StructuredCommunication.TryParse(creditorReference, out var ogm) ? ogm : null;
        var free = string.Join(' ', remittance?.Elements().Where(e => e.Name.LocalName == "Ustrd").Select(e => e.Value.Trim()) ?? []);
        if (structured is null && creditorReference is not null)
        {
            free = $"{creditorReference.Trim()} {free}".Trim();
        }
        var party = amount > 0 ? "Dbtr" : "Cdtr";
        var parties = Element(transaction, "RltdPties");
        var name = Child(parties, party, "Nm") ?? Child(parties, party, "Pty", "Nm");
        var counterpartyAccount = Child(parties, party + "Acct", "Id", "IBAN");
        return new BankMovement(reference!.Trim(), amount, DateOnly.ParseExact(valueDate![..10], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            structured, string.Join(' ', free.Split(' ', StringSplitOptions.RemoveEmptyEntries)), name?.Trim(), counterpartyAccount?.Trim());
    }

    static void CheckSummary(XElement summary, BankMessage where, long credits, long debits)
    {
        void Compare(string? text, long computed, string field)
        {
            if (text is null)
            {
                return;
            }
            var what = Field(field);
            var announced = Cents(text, where, what);
            Expect(announced == computed, where, "Summary", what, Money(announced), Money(computed));
        }
        Compare(Child(summary, "TtlCdtNtries", "Sum"), credits, "Credits");
        Compare(Child(summary, "TtlDbtNtries", "Sum"), debits, "Debits");
        Compare(Child(summary, "TtlNtries", "Sum"), credits + debits, "Entries");
    }

    /// <summary>The reader's element children, one at a time; the caller reads or skips each.</summary>
    static IEnumerable<bool> Children(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            yield break;
        }
        var depth = reader.Depth;
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth) && !reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                yield return true;
            }
            else
            {
                reader.Read();
            }
        }
        reader.Read();
    }

    static long Signed(XElement element, BankMessage where)
    {
        var amount = Element(element, "Amt");
        Expect(amount is not null, where, "MissingAmount");
        var currency = amount!.Attribute("Ccy")?.Value;
        Expect(currency is null or "EUR", where, "AmountCurrency", currency ?? "");
        var cents = Cents(amount.Value, where, Field("Amount"));
        return Child(element, "CdtDbtInd") switch
        {
            "CRDT" => cents,
            "DBIT" => -cents,
            var other => throw new StatementFormatException(where, Reason("Direction", other ?? "")),
        };
    }

    static long Cents(string text, BankMessage where, BankMessage what)
    {
        Expect(decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var euros) &&
               decimal.Round(euros, 2) == euros && euros < 1_000_000_000_000m, where, "InvalidAmount", what, text);
        return (long)(euros * 100);
    }

    static DateOnly When(XElement balance, string name, BankMessage where)
    {
        var text = Child(balance, name, "Dt") ?? Child(balance, name, "DtTm");
        Expect(text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out _), where, "Date", text ?? "");
        return DateOnly.ParseExact(text![..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    static XElement? Element(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    static XElement? Descendant(XElement? parent, params string[] path) => path.Aggregate(parent, Element);

    static string? Child(XElement? parent, params string[] path) => Descendant(parent, path)?.Value;

    static BankMessage At(XmlReader reader, string path) => At(LineOf(reader), path);

    static BankMessage At(int? line, string path) => line is { } l ? StatementPlace.ElementAt(l, path) : StatementPlace.Element(path);

    static int? LineOf(XmlReader reader) => reader is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    static CentsArgument Money(long cents) => new(cents);

    static BankMessage Reason(string code, params BankArgument[] arguments) => new($"Camt.{code}", arguments);

    static BankMessage Field(string name) => BankMessage.Of($"Camt.Field.{name}");

    static void Expect(bool condition, BankMessage where, string code, params BankArgument[] arguments)
    {
        if (!condition)
        {
            throw new StatementFormatException(where, Reason(code, arguments));
        }
    }
}