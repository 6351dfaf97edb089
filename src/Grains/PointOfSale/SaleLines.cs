using System.Text.Json;
using ItSchool.Wallets;

namespace ItSchool.PointOfSale;

/// <summary>
/// One line of a sale as it was sold: the article's label and price are copied, so that a later rename,
/// price change or withdrawal leaves old sales as they were.
/// </summary>
public sealed record PricedLine(string ArticleCode, string Label, int Quantity, long UnitPriceCents, long TotalCents);

/// <summary>How a sale's lines are kept (JSON in <c>pos_sales.lines</c>) and named in the ledger.</summary>
public static class SaleLines
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToJson(IReadOnlyList<PricedLine> lines) => JsonSerializer.Serialize(lines, Json);

    public static IReadOnlyList<PricedLine> FromJson(string json) => JsonSerializer.Deserialize<List<PricedLine>>(json, Json) ?? [];

    /// <summary>The ledger's subject of a sale: its articles as sold.</summary>
    public static LedgerSubject Subject(IReadOnlyList<PricedLine> lines) => LedgerSubject.Sale(lines.Select(l => (l.Label, l.Quantity)));

    /// <summary>The ledger's subject of a sale's void: the same articles, from the sale's own lines.</summary>
    public static LedgerSubject VoidSubject(IReadOnlyList<PricedLine> lines) => LedgerSubject.SaleVoid(lines.Select(l => (l.Label, l.Quantity)));

    /// <summary>The purse's idempotency key of a terminal's sale: its own sale id, under the terminal.</summary>
    public static string LedgerKey(Guid terminalId, string saleKey) => $"pos/{terminalId}/{saleKey}";

    /// <summary>
    /// A sale's id, made from its terminal and its own sale id: two requests racing with the same sale id name the same sale,
    /// whichever writes its answer. (Sales answered before this were numbered in time order; both kinds stay valid.)
    /// </summary>
    public static Guid SaleId(Guid terminalId, string saleKey)
    {
        Span<byte> bytes = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{terminalId:N}/{saleKey}"), bytes);
        // RFC 9562's version 8 (made by the application) and its variant bits, so that it reads as a well-formed UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes[..16], bigEndian: true);
    }

    /// <summary>The kind of purchase a terminal's sales are, for the child's spending limits.</summary>
    public static SpendKind SpendKind(TerminalKind terminal) => terminal switch
    {
        TerminalKind.Canteen => Wallets.SpendKind.Canteen,
        TerminalKind.Vending => Wallets.SpendKind.Snacks,
        _ => Wallets.SpendKind.Shop,
    };
}