using System.Text.Json;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.PointOfSale;

/// <summary>
/// The demo school's canteen: one terminal with a fixed, published key, a few articles, a card for every
/// pupil (UIDs in the README), so a newcomer can post a sale with curl the minute the app runs — and the
/// canteen's past sales, recorded as the terminal records them, so that the sales journal and the ledger
/// tell the same story.
/// </summary>
public static class DemoPos
{
    public const string CanteenKey = "itsk_demo_canteen_key_do_not_use_in_production";
    public static readonly Guid CanteenId = new("d3e0d3e0-0000-4000-8000-0000000000c1");
    public const string CanteenName = "Cantine";

    public static readonly Article[] Articles =
    [
        new("SANDWICH", "Sandwich au rosbif", 350, "Repas", false),
        new("SOUPE", "Potage du jour", 120, "Repas", false),
        new("COLLATION", "Collation", 120, "Collations", false),
        new("JUS", "Jus d'orange", 90, "Boissons", false),
        new("POMME", "Pomme", 50, "Collations", false),
        new("CASIER", "Casier sans caution", 1500, "Économat", false),
        new("DIVERS", "Article divers", 0, "Économat", true),
    ];

    /// <summary>What pupils buy at the morning break, for the demo's history.</summary>
    public static readonly IReadOnlyList<PricedLine>[] Snacks =
    [
        Basket(("COLLATION", 1)),
        Basket(("JUS", 1)),
        Basket(("POMME", 1)),
        Basket(("COLLATION", 1), ("JUS", 1)),
        Basket(("POMME", 2)),
    ];

    public static readonly IReadOnlyList<PricedLine> Locker = Basket(("CASIER", 1));

    /// <summary>Card UIDs by pupil first name, in the order of <c>DemoSchool</c>'s pupils.</summary>
    public static readonly string[] CardUids = ["04A1B2C3D4E501", "04A1B2C3D4E502", "04A1B2C3D4E503", "04A1B2C3D4E504"];

    /// <summary>A sale of the demo's canteen: the ledger holds its debit under <see cref="LedgerKey"/>.</summary>
    public sealed record Sale(Guid PupilId, string Key, IReadOnlyList<PricedLine> Lines, DateTimeOffset At)
    {
        public string LedgerKey => SaleLines.LedgerKey(CanteenId, Key);
        public long AmountCents => Lines.Sum(l => l.TotalCents);
    }

    /// <summary>
    /// The terminal, the articles, the cards and the journal of the canteen's past sales, in one transaction, unless
    /// the terminal is there already. The sales themselves are the wallets' (<c>DemoWallets</c> debited them, in the
    /// order of each purse's history): this runs after the wallets' seed and records, for each of the canteen's
    /// debits in the ledger, the sale and the answer its terminal had.
    /// </summary>
    public static async Task SeedAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await DemoSchool.LockForSeedAsync(connection, $"SELECT EXISTS (SELECT 1 FROM pos_terminals WHERE id = '{CanteenId}')",
            cancellationToken))
        {
            return;
        }
        var pupils = await DemoSchool.PupilIdsAsync(connection, cancellationToken);
        await WriteAsync(connection, DemoSchool.Id, pupils, await CanteenSalesAsync(connection, cancellationToken), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The canteen's sales the ledger holds, their lines priced from the demo's catalogue by their labels.</summary>
    static async Task<IReadOnlyList<Sale>> CanteenSalesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var prefix = SaleLines.LedgerKey(CanteenId, "");
        await using var query = new NpgsqlCommand("""
            SELECT pupil_id, idempotency_key, subject_args::text, occurred_at FROM ledger_entries
            WHERE school_id = @school AND kind = 'sale' AND caused_by_kind = 'terminal' AND caused_by_id = @terminal
              AND starts_with(idempotency_key, @prefix)
            ORDER BY occurred_at, id
            """, connection);
        query.Parameters.AddWithValue("school", DemoSchool.Id);
        query.Parameters.AddWithValue("terminal", CanteenId.ToString());
        query.Parameters.AddWithValue("prefix", prefix);
        var sales = new List<Sale>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var subject = new LedgerSubject(SubjectCode.Sale, JsonSerializer.Deserialize<string[]>(reader.GetString(2))!);
            var lines = Basket(subject.SaleLines().Select(line => (Articles.Single(a => a.Label == line.Label).Code, line.Quantity)).ToArray());
            sales.Add(new Sale(reader.GetGuid(0), reader.GetString(1)[prefix.Length..], lines, reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return sales;
    }

    static async Task WriteAsync(NpgsqlConnection connection, Guid schoolId, IReadOnlyList<Guid> pupils, IReadOnlyList<Sale> sales,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO pos_terminals (id, school_id, name, kind, compartment, key_hash, key_hint, created_at)
            VALUES (@terminal, @school, @name, 'canteen', 1, sha256(convert_to(@key, 'UTF8')), right(@key, 4), @now);
            INSERT INTO pos_articles (school_id, code, label, price_cents, category, open_price)
            SELECT @school, a.code, a.label, a.price, a.category, a.open FROM unnest(@codes, @labels, @prices, @categories, @opens)
                AS a(code, label, price, category, open);
            INSERT INTO pupil_cards (school_id, uid, pupil_id, assigned_at)
            SELECT @school, c.uid, c.pupil, @now FROM unnest(@uids, @pupils) AS c(uid, pupil);
            -- The answer the terminal would have had, with the ledger entry's id and balance.
            INSERT INTO pos_sales (id, school_id, terminal_id, idempotency_key, request_hash, status_code, response, pupil_id,
                                   amount_cents, lines, ledger_entry_id, created_at)
            SELECT s.id, @school, @terminal, s.key, sha256(convert_to(s.lines::text, 'UTF8')), 201,
                   jsonb_build_object('saleId', s.id, 'amountCents', -l.amount_cents, 'balanceCents', l.balance_after_cents,
                                      'firstName', p.first_name, 'entryId', l.id),
                   s.pupil, -l.amount_cents, s.lines, l.id, s.at
            FROM unnest(@sale_ids, @sale_keys, @ledger_keys, @sale_pupils, @sale_lines, @sale_ats)
                 AS s(id, key, ledger_key, pupil, lines, at)
            JOIN ledger_entries l ON l.pupil_id = s.pupil AND l.idempotency_key = s.ledger_key
            JOIN pupils p ON p.id = s.pupil;
            """, connection);
        command.Parameters.AddWithValue("terminal", CanteenId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("name", CanteenName);
        command.Parameters.AddWithValue("key", CanteenKey);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("codes", Articles.Select(a => a.Code).ToArray());
        command.Parameters.AddWithValue("labels", Articles.Select(a => a.Label).ToArray());
        command.Parameters.AddWithValue("prices", Articles.Select(a => a.PriceCents).ToArray());
        command.Parameters.AddWithValue("categories", Articles.Select(a => a.Category).ToArray());
        command.Parameters.AddWithValue("opens", Articles.Select(a => a.OpenPrice).ToArray());
        command.Parameters.AddWithValue("uids", CardUids.Take(pupils.Count).ToArray());
        command.Parameters.AddWithValue("pupils", pupils.Take(CardUids.Length).ToArray());
        command.Parameters.AddWithValue("sale_ids", sales.Select(s => Guid.CreateVersion7(s.At)).ToArray());
        command.Parameters.AddWithValue("sale_keys", sales.Select(s => s.Key).ToArray());
        command.Parameters.AddWithValue("ledger_keys", sales.Select(s => s.LedgerKey).ToArray());
        command.Parameters.AddWithValue("sale_pupils", sales.Select(s => s.PupilId).ToArray());
        command.Parameters.Add(new NpgsqlParameter("sale_lines", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = sales.Select(s => SaleLines.ToJson(s.Lines)).ToArray(),
        });
        command.Parameters.AddWithValue("sale_ats", sales.Select(s => s.At).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Lines priced from the demo's catalogue, as a terminal's sale of these articles is.</summary>
    static IReadOnlyList<PricedLine> Basket(params (string Code, int Quantity)[] items) =>
        items.Select(item =>
        {
            var article = Articles.Single(a => a.Code == item.Code);
            return new PricedLine(article.Code, article.Label, item.Quantity, article.PriceCents, article.PriceCents * item.Quantity);
        }).ToList();
}