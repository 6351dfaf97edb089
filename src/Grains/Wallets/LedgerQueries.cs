using Npgsql;

namespace ItSchool.Wallets;

/// <summary>Reads of the ledger for pages and exports: plain SQL over its indexes, never by waking purses.</summary>
public sealed class LedgerQueries(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<LedgerLine>> RecentAsync(Guid schoolId, Guid pupilId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, compartment, amount_cents, balance_after_cents, kind, payment_method, subject, occurred_at
            FROM ledger_entries WHERE school_id = @school AND pupil_id = @pupil
            ORDER BY occurred_at DESC, id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<LedgerLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new LedgerLine(reader.GetInt64(0), reader.GetInt16(1), reader.GetInt64(2), reader.GetInt64(3),
                LedgerNames.FromDatabase<MovementKind>(reader.GetString(4)),
                reader.IsDBNull(5) ? null : LedgerNames.FromDatabase<PaymentMethod>(reader.GetString(5)),
                reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return lines;
    }
}