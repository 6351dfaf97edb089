using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Wallets;

/// <summary>
/// The purse grain's durable side: it opens a purse (checking the cached balances against the ledger)
/// and appends a batch of entries together with the new balances in one transaction.
/// </summary>
public sealed class Ledger(NpgsqlDataSource db)
{
    /// <summary>How far back a purse remembers idempotency keys in memory; older replays are caught by the database.</summary>
    public static readonly TimeSpan RememberedKeys = TimeSpan.FromDays(60);

    public async Task<PurseSnapshot> OpenAsync(Guid pupilId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        Guid schoolId;
        await using (var open = new NpgsqlCommand("""
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT p.id, w.compartment, p.school_id
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.id = @pupil
            ON CONFLICT DO NOTHING;
            SELECT school_id FROM pupils WHERE id = @pupil;
            """, connection))
        {
            open.Parameters.AddWithValue("pupil", pupilId);
            schoolId = await open.ExecuteScalarAsync(cancellationToken) as Guid?
                ?? throw new InvalidOperationException($"No pupil {pupilId}: a purse belongs to a pupil.");
        }

        var compartments = new List<PurseCompartment>();
        await using (var read = new NpgsqlCommand("""
            SELECT c.compartment, w.name, w.floor_cents, c.balance_cents, c.communication,
                   (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_entries l
                    WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment)
            FROM purse_compartments c JOIN wallet_compartments w ON w.school_id = c.school_id AND w.compartment = c.compartment
            WHERE c.pupil_id = @pupil
            ORDER BY c.compartment
            """, connection))
        {
            read.Parameters.AddWithValue("pupil", pupilId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var compartment = new PurseCompartment(reader.GetInt16(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                    StructuredCommunication.From(reader.GetInt64(4)));
                var ledgerSum = reader.GetInt64(5);
                if (ledgerSum != compartment.BalanceCents)
                {
                    throw new LedgerMismatchException(pupilId, compartment.Compartment, compartment.BalanceCents, ledgerSum);
                }
                compartments.Add(compartment);
            }
        }

        var recent = new List<StoredEntry>();
        await using (var keys = new NpgsqlCommand("""
            SELECT idempotency_key, id, compartment, amount_cents, balance_after_cents, kind
            FROM ledger_entries WHERE pupil_id = @pupil AND occurred_at > @since
            ORDER BY id
            """, connection))
        {
            keys.Parameters.AddWithValue("pupil", pupilId);
            keys.Parameters.AddWithValue("since", now - RememberedKeys);
            await using var reader = await keys.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recent.Add(new StoredEntry(reader.GetString(0), reader.GetInt64(1), reader.GetInt16(2), reader.GetInt64(3),
                    reader.GetInt64(4), LedgerNames.FromDatabase<MovementKind>(reader.GetString(5))));
            }
        }
        return new PurseSnapshot(schoolId, compartments, recent);
    }

    /// <summary>The entries already written under these keys (a replay older than the keys kept in memory).</summary>
    public async Task<IReadOnlyList<StoredEntry>> FindByKeysAsync(Guid pupilId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT idempotency_key, id, compartment, amount_cents, balance_after_cents, kind
            FROM ledger_entries WHERE pupil_id = @pupil AND idempotency_key = ANY(@keys) ORDER BY id
            """);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("keys", keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<StoredEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StoredEntry(reader.GetString(0), reader.GetInt64(1), reader.GetInt16(2), reader.GetInt64(3),
                reader.GetInt64(4), LedgerNames.FromDatabase<MovementKind>(reader.GetString(5))));
        }
        return entries;
    }

    /// <summary>
    /// Writes the entries and moves each touched balance from its old to its new value, all or nothing.
    /// The old value is checked, so a second activation of the same purse (possible for a moment when the
    /// cluster's membership changes) cannot write over the first: its batch fails and it reloads.
    /// Returns the entries' ids in the order given.
    /// </summary>
    public async Task<long[]> AppendAsync(Guid schoolId, Guid pupilId, IReadOnlyList<NewEntry> entries,
        IReadOnlyList<(int Compartment, long Old, long New)> balances, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        var insert = new NpgsqlBatchCommand("""
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                        subject, caused_by_kind, caused_by_id, caused_by_name, idempotency_key, occurred_at)
            SELECT @school, @pupil, e.compartment, e.amount, e.balance_after, e.kind, e.method, e.subject,
                   e.actor_kind, e.actor_id, e.actor_name, e.key, e.occurred_at
            FROM unnest(@compartment, @amount, @balance_after, @kind, @method, @subject, @actor_kind, @actor_id, @actor_name, @key, @occurred_at)
                 WITH ORDINALITY AS e(compartment, amount, balance_after, kind, method, subject, actor_kind, actor_id, actor_name, key, occurred_at, n)
            ORDER BY e.n
            RETURNING id
            """);
        insert.Parameters.AddWithValue("school", schoolId);
        insert.Parameters.AddWithValue("pupil", pupilId);
        insert.Parameters.AddWithValue("compartment", entries.Select(e => (short)e.Compartment).ToArray());
        insert.Parameters.AddWithValue("amount", entries.Select(e => e.AmountCents).ToArray());
        insert.Parameters.AddWithValue("balance_after", entries.Select(e => e.BalanceAfterCents).ToArray());
        insert.Parameters.AddWithValue("kind", entries.Select(e => LedgerNames.ToDatabase(e.Kind)).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("method", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = entries.Select(e => e.Method is { } m ? LedgerNames.ToDatabase(m) : null).ToArray(),
        });
        insert.Parameters.AddWithValue("subject", entries.Select(e => e.Subject).ToArray());
        insert.Parameters.AddWithValue("actor_kind", entries.Select(e => LedgerNames.ToDatabase(e.CausedBy.Kind)).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("actor_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.CausedBy.Id).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("actor_name", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.CausedBy.Name).ToArray() });
        insert.Parameters.AddWithValue("key", entries.Select(e => e.IdempotencyKey).ToArray());
        insert.Parameters.AddWithValue("occurred_at", entries.Select(e => e.OccurredAt).ToArray());
        batch.BatchCommands.Add(insert);

        var update = new NpgsqlBatchCommand("""
            UPDATE purse_compartments c SET balance_cents = b.new
            FROM unnest(@compartment, @old, @new) AS b(compartment, old, new)
            WHERE c.pupil_id = @pupil AND c.compartment = b.compartment AND c.balance_cents = b.old
            """);
        update.Parameters.AddWithValue("pupil", pupilId);
        update.Parameters.AddWithValue("compartment", balances.Select(b => (short)b.Compartment).ToArray());
        update.Parameters.AddWithValue("old", balances.Select(b => b.Old).ToArray());
        update.Parameters.AddWithValue("new", balances.Select(b => b.New).ToArray());
        batch.BatchCommands.Add(update);

        var ids = new long[entries.Count];
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
            {
                ids[i] = reader.GetInt64(0);
            }
        }
        if (update.RecordsAffected != balances.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            throw new PurseConcurrencyException(pupilId);
        }
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }
}

public sealed record PurseCompartment(int Compartment, string Name, long FloorCents, long BalanceCents, StructuredCommunication Communication);

public sealed record PurseSnapshot(Guid SchoolId, IReadOnlyList<PurseCompartment> Compartments, IReadOnlyList<StoredEntry> RecentEntries);

public sealed record StoredEntry(string IdempotencyKey, long Id, int Compartment, long AmountCents, long BalanceAfterCents, MovementKind Kind);

public sealed record NewEntry(
    int Compartment, long AmountCents, long BalanceAfterCents, MovementKind Kind, PaymentMethod? Method, string Subject,
    Actor CausedBy, string IdempotencyKey, DateTimeOffset OccurredAt);

// Exceptions cross grain boundaries, so they are serializable like any message.
[GenerateSerializer]
public sealed class LedgerMismatchException : Exception
{
    public LedgerMismatchException(Guid pupilId, int compartment, long cached, long ledgerSum)
        : base($"Purse {pupilId} compartment {compartment}: cached balance {cached} differs from the ledger's sum {ledgerSum}; " +
               "the purse stays closed until this is investigated.")
    {
    }
}

[GenerateSerializer]
public sealed class PurseConcurrencyException : Exception
{
    public PurseConcurrencyException(Guid pupilId)
        : base($"Purse {pupilId} changed under this activation; it reloads from the ledger.")
    {
    }
}