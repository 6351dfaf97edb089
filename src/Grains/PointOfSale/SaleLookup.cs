using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>
/// Everything a sale needs to know before the purse is asked — whether its terminal is still live, an earlier answer
/// for this sale id, the articles (withdrawn ones too, so that the terminal hears why it is refused), the card's holder. At a
/// canteen rush the round trips, not the queries, are what costs: the sales of the same moment are looked
/// up together, in one statement batch.
/// </summary>
public sealed class SaleLookup(NpgsqlDataSource db)
{
    /// <param name="TerminalLive">Whether the terminal was still live (not revoked) at the lookup: the key may have been found in memory.</param>
    /// <param name="SchoolVersion">The school's point-of-sale version (<see cref="PosSnapshots"/>) read before the rest.</param>
    public sealed record Found(StoredAnswer? Earlier, IReadOnlyDictionary<string, Article> Articles, (Guid PupilId, string FirstName)? Holder,
        bool TerminalLive = true, long SchoolVersion = 0);

    public Task<Found> FindAsync(Terminal terminal, string idempotencyKey, IEnumerable<string> articleCodes, string? cardUid,
        CancellationToken cancellationToken = default) =>
        lookups.RunAsync(new Wanted(terminal, idempotencyKey, articleCodes.Distinct().ToArray(), cardUid?.Trim() ?? ""));

    sealed record Wanted(Terminal Terminal, string IdempotencyKey, string[] ArticleCodes, string CardUid);

    readonly SqlBatcher<Wanted, Found> lookups = new(wanted => FindAllAsync(db, wanted));

    static async Task<IReadOnlyList<Found>> FindAllAsync(NpgsqlDataSource db, IReadOnlyList<Wanted> wanted)
    {
        var schools = wanted.Select(w => w.Terminal.SchoolId).ToArray();
        var articleKeys = wanted.SelectMany(w => w.ArticleCodes.Select(code => (w.Terminal.SchoolId, code))).Distinct().ToArray();

        // Each row is looked up by its index (LATERAL … LIMIT 1): joined to the unnested requests, the planner may hash a whole
        // table to find a dozen rows when its statistics lag (a canteen's first rush on a new school year's tables).
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT s.school_id, coalesce(v.version, 0) FROM unnest(@school) AS s(school_id)
            LEFT JOIN pos_versions v ON v.school_id = s.school_id
            """)
        {
            Parameters = { new("school", schools.Distinct().ToArray()) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT w.n, s.id, s.request_hash, s.status_code, s.response
            FROM unnest(@terminal, @key) WITH ORDINALITY AS w(terminal, key, n)
            CROSS JOIN LATERAL (
                SELECT s.id, s.request_hash, s.status_code, s.response::text AS response FROM pos_sales s
                WHERE s.terminal_id = w.terminal AND s.idempotency_key = w.key LIMIT 1) s
            """)
        {
            Parameters =
            {
                new("terminal", wanted.Select(w => w.Terminal.Id).ToArray()),
                new("key", wanted.Select(w => w.IdempotencyKey).ToArray()),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT a.school_id, a.code, a.label, a.price_cents, a.category, a.open_price, a.active
            FROM unnest(@school, @code) AS w(school, code)
            JOIN pos_articles a ON a.school_id = w.school AND a.code = w.code
            """)
        {
            Parameters =
            {
                new("school", articleKeys.Select(k => k.SchoolId).ToArray()),
                new("code", articleKeys.Select(k => k.code).ToArray()),
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT w.n, c.id, c.first_name
            FROM unnest(@school, @uid) WITH ORDINALITY AS w(school, uid, n)
            CROSS JOIN LATERAL (
                SELECT p.id, p.first_name FROM pupil_cards c JOIN pupils p ON p.id = c.pupil_id
                WHERE c.school_id = w.school AND upper(c.uid) = upper(w.uid) AND c.revoked_at IS NULL LIMIT 1) c
            """)
        {
            Parameters = { new("school", schools), new("uid", wanted.Select(w => w.CardUid).ToArray()) },
        });

        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT w.n FROM unnest(@terminal) WITH ORDINALITY AS w(terminal, n)
            JOIN pos_terminals t ON t.id = w.terminal AND t.revoked_at IS NULL
            """)
        {
            Parameters = { new("terminal", wanted.Select(w => w.Terminal.Id).ToArray()) },
        });

        await using var reader = await batch.ExecuteReaderAsync();
        var versions = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            versions[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        await reader.NextResultAsync();
        var earlier = new StoredAnswer?[wanted.Count];
        while (await reader.ReadAsync())
        {
            earlier[reader.GetInt64(0) - 1] = new StoredAnswer(reader.GetGuid(1), (byte[])reader[2], reader.GetInt32(3), reader.GetString(4));
        }
        await reader.NextResultAsync();
        var articles = new Dictionary<(Guid School, string Code), Article>();
        while (await reader.ReadAsync())
        {
            articles[(reader.GetGuid(0), reader.GetString(1))] = Catalogue.Read(reader, 1);
        }
        await reader.NextResultAsync();
        var holders = new (Guid, string)?[wanted.Count];
        while (await reader.ReadAsync())
        {
            holders[reader.GetInt64(0) - 1] = (reader.GetGuid(1), reader.GetString(2));
        }
        await reader.NextResultAsync();
        var live = new bool[wanted.Count];
        while (await reader.ReadAsync())
        {
            live[reader.GetInt64(0) - 1] = true;
        }

        return wanted.Select((w, i) => new Found(earlier[i],
            w.ArticleCodes.Where(code => articles.ContainsKey((w.Terminal.SchoolId, code)))
                .ToDictionary(code => code, code => articles[(w.Terminal.SchoolId, code)]),
            holders[i], live[i], versions[w.Terminal.SchoolId])).ToList();
    }
}