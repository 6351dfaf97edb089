using ItSchool.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.PointOfSale;

/// <summary>The answer a terminal got for one of its sale ids: what a retry with the same id gets again.</summary>
public sealed record StoredAnswer(Guid SaleId, byte[] RequestHash, int StatusCode, string ResponseJson);

public sealed record SaleRecord(
    Guid Id, Guid SchoolId, Guid TerminalId, string IdempotencyKey, byte[] RequestHash, int StatusCode, string ResponseJson,
    Guid? PupilId, long? AmountCents, string? LinesJson, long? LedgerEntryId, DateTimeOffset CreatedAt);

/// <param name="Refusal">The refusal's code for a sale the pupil was refused (the balance, a limit, an article not allowed); null when sold.</param>
public sealed record JournalLine(Guid SaleId, DateTimeOffset At, string Terminal, string LinesJson, long AmountCents, DateTimeOffset? VoidedAt,
    string? Refusal = null);

public sealed record SoldSale(Guid Id, Guid PupilId, long AmountCents, string LinesJson, DateTimeOffset CreatedAt, DateTimeOffset? VoidedAt);

/// <summary>Sales as posted by terminals, keyed by (terminal, the terminal's own sale id).</summary>
public sealed class PosSales(NpgsqlDataSource db)
{
    /// <summary>The longest article search the journal takes (its field's maxlength).</summary>
    public const int MaxSearchLength = 100;

    public async Task<StoredAnswer?> FindAnswerAsync(Guid terminalId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id, request_hash, status_code, response::text FROM pos_sales WHERE terminal_id = @terminal AND idempotency_key = @key");
        command.Parameters.AddWithValue("terminal", terminalId);
        command.Parameters.AddWithValue("key", idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredAnswer(reader.GetGuid(0), (byte[])reader[1], reader.GetInt32(2), reader.GetString(3))
            : null;
    }

    /// <summary>
    /// Keeps the answer; if the same sale id was recorded a moment ago by a concurrent request, that one
    /// stays and is returned. The answers of the same moment share one round trip and one commit.
    /// </summary>
    public Task<StoredAnswer> RecordAsync(SaleRecord sale, CancellationToken cancellationToken = default) => records.RunAsync(sale);

    readonly SqlBatcher<SaleRecord, StoredAnswer> records = new(sales => RecordAllAsync(db, sales));

    static async Task<IReadOnlyList<StoredAnswer>> RecordAllAsync(NpgsqlDataSource db, IReadOnlyList<SaleRecord> sales)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO pos_sales (id, school_id, terminal_id, idempotency_key, request_hash, status_code, response, pupil_id,
                                   amount_cents, lines, ledger_entry_id, created_at)
            SELECT * FROM unnest(@id, @school, @terminal, @key, @hash, @status, @response, @pupil, @amount, @lines, @entry, @at)
            ON CONFLICT (terminal_id, idempotency_key) DO NOTHING
            """)
        {
            Parameters =
            {
                new("id", sales.Select(s => s.Id).ToArray()),
                new("school", sales.Select(s => s.SchoolId).ToArray()),
                new("terminal", sales.Select(s => s.TerminalId).ToArray()),
                new("key", sales.Select(s => s.IdempotencyKey).ToArray()),
                new("hash", sales.Select(s => s.RequestHash).ToArray()),
                new("status", sales.Select(s => s.StatusCode).ToArray()),
                new("response", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = sales.Select(s => s.ResponseJson).ToArray() },
                new("pupil", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = sales.Select(s => s.PupilId).ToArray() },
                new("amount", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sales.Select(s => s.AmountCents).ToArray() },
                new("lines", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = sales.Select(s => s.LinesJson).ToArray() },
                new("entry", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sales.Select(s => s.LedgerEntryId).ToArray() },
                new("at", sales.Select(s => s.CreatedAt).ToArray()),
            },
        });
        // Read back in the same transaction: our rows, or the ones a concurrent request with the same sale id
        // committed first (the insert waited for it). The answer as PostgreSQL keeps it (jsonb), so the first
        // answer and every replay are the same bytes.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT w.n, s.id, s.request_hash, s.status_code, s.response::text
            FROM unnest(@terminal, @key) WITH ORDINALITY AS w(terminal, key, n)
            JOIN pos_sales s ON s.terminal_id = w.terminal AND s.idempotency_key = w.key
            """)
        {
            Parameters =
            {
                new("terminal", sales.Select(s => s.TerminalId).ToArray()),
                new("key", sales.Select(s => s.IdempotencyKey).ToArray()),
            },
        });
        // The insert returns no rows, so the reader opens on the read-back.
        await using var reader = await batch.ExecuteReaderAsync();
        var stored = new StoredAnswer[sales.Count];
        while (await reader.ReadAsync())
        {
            stored[reader.GetInt64(0) - 1] = new StoredAnswer(reader.GetGuid(1), (byte[])reader[2], reader.GetInt32(3), reader.GetString(4));
        }
        return stored;
    }

    /// <summary>An accepted sale of this terminal, for a void.</summary>
    public async Task<SoldSale?> FindSoldAsync(Guid terminalId, Guid saleId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, pupil_id, amount_cents, lines::text, created_at, voided_at FROM pos_sales
            WHERE id = @id AND terminal_id = @terminal AND status_code = 201
            """);
        command.Parameters.AddWithValue("id", saleId);
        command.Parameters.AddWithValue("terminal", terminalId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SoldSale(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }

    /// <summary>
    /// A pupil's sales in a period, newest first, for the parents' "Journal des ventes": the articles as the
    /// terminal sold them, at the moment and in the compartment of their ledger entry, so that the journal and
    /// "Opérations financières" show each sale alike; and the sales refused to the pupil, at the moment of the
    /// refusal, with its code.
    /// </summary>
    public async Task<IReadOnlyList<JournalLine>> JournalAsync(Guid schoolId, Guid pupilId, DateTimeOffset from, DateTimeOffset to,
        Guid? terminalId, string? search, int? compartment = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT s.id, coalesce(e.occurred_at, s.created_at) AS at, t.name, s.lines::text, s.amount_cents, s.voided_at,
                   CASE WHEN s.status_code <> 201 THEN s.response->>'code' END
            FROM pos_sales s
            LEFT JOIN ledger_entries e ON e.id = s.ledger_entry_id
            JOIN pos_terminals t ON t.id = s.terminal_id
            WHERE s.school_id = @school AND s.pupil_id = @pupil AND s.lines IS NOT NULL
              AND CASE WHEN s.status_code = 201 THEN e.id IS NOT NULL ELSE s.ledger_entry_id IS NULL END
              -- The terminal's record is made a few milliseconds before the purse's entry: a margin on it keeps
              -- the index in use, the entry's moment decides.
              AND s.created_at >= @from - interval '1 minute' AND s.created_at < @to + interval '1 minute'
              AND coalesce(e.occurred_at, s.created_at) >= @from AND coalesce(e.occurred_at, s.created_at) < @to
              AND (@terminal::uuid IS NULL OR s.terminal_id = @terminal)
              AND (@compartment::smallint IS NULL OR coalesce(e.compartment, t.compartment) = @compartment)
              AND (@search = '' OR EXISTS (SELECT 1 FROM jsonb_array_elements(s.lines) l WHERE l->>'label' ILIKE @like))
            ORDER BY at DESC LIMIT 500
            """);
        var text = (search ?? "").Trim();
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.Add(new NpgsqlParameter("terminal", NpgsqlDbType.Uuid) { Value = (object?)terminalId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlDbType.Smallint) { Value = compartment is { } c ? (short)c : DBNull.Value });
        command.Parameters.AddWithValue("search", text);
        command.Parameters.AddWithValue("like", Search.Contains(text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<JournalLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new JournalLine(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return lines;
    }

    public async Task MarkVoidedAsync(Guid saleId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE pos_sales SET voided_at = coalesce(voided_at, @at) WHERE id = @id");
        command.Parameters.AddWithValue("id", saleId);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}