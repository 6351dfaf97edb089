using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>
/// Everything a sale needs to know before the purse is asked — an earlier answer for this sale id, the
/// articles, the card's holder — in one round trip to PostgreSQL: at a canteen rush the round trips, not
/// the queries, are what costs.
/// </summary>
public sealed class SaleLookup(NpgsqlDataSource db)
{
    public sealed record Found(StoredAnswer? Earlier, IReadOnlyDictionary<string, Article> Articles, (Guid PupilId, string FirstName)? Holder);

    public async Task<Found> FindAsync(Terminal terminal, string idempotencyKey, IEnumerable<string> articleCodes, string? cardUid,
        CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT id, request_hash, status_code, response::text FROM pos_sales WHERE terminal_id = @terminal AND idempotency_key = @key")
        {
            Parameters = { new("terminal", terminal.Id), new("key", idempotencyKey) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT code, label, price_cents, category, open_price FROM pos_articles
            WHERE school_id = @school AND active AND code = ANY(@codes)
            """)
        {
            Parameters = { new("school", terminal.SchoolId), new("codes", articleCodes.Distinct().ToArray()) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT p.id, p.first_name FROM pupil_cards c JOIN pupils p ON p.id = c.pupil_id
            WHERE c.school_id = @school AND upper(c.uid) = upper(@uid) AND c.revoked_at IS NULL
            """)
        {
            Parameters = { new("school", terminal.SchoolId), new("uid", cardUid?.Trim() ?? "") },
        });

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        StoredAnswer? earlier = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            earlier = new StoredAnswer(reader.GetGuid(0), (byte[])reader[1], reader.GetInt32(2), reader.GetString(3));
        }
        await reader.NextResultAsync(cancellationToken);
        var articles = new Dictionary<string, Article>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles[reader.GetString(0)] = new Article(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4));
        }
        await reader.NextResultAsync(cancellationToken);
        (Guid, string)? holder = await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1)) : null;
        return new Found(earlier, articles, holder);
    }
}