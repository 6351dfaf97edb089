using System.Text.Json;
using ItSchool.Platform.Database;
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

    /// <summary>
    /// Opens a purse: its compartments (creating the rows of any the school added), each checked against the
    /// ledger's sum, and the entries of the keys it must remember. Purses that wake at the same moment — a
    /// bank statement crediting thousands of pupils — are opened together, in one round trip.
    /// </summary>
    public async Task<PurseSnapshot> OpenAsync(Guid pupilId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var opened = await openings.RunAsync((pupilId, now));
        return opened.Snapshot ?? throw opened.Error!;
    }

    sealed record Opened(PurseSnapshot? Snapshot, Exception? Error);

    readonly SqlBatcher<(Guid PupilId, DateTimeOffset Now), Opened> openings = new(calls => OpenAllAsync(db, calls));

    static async Task<IReadOnlyList<Opened>> OpenAllAsync(NpgsqlDataSource db, IReadOnlyList<(Guid PupilId, DateTimeOffset Now)> calls)
    {
        var (opened, longTails) = await ReadAllAsync(db, calls);
        if (longTails.Count > 0)
        {
            await CheckpointAsync(db, [.. longTails]);
        }
        return opened;
    }

    /// <summary>The purses' snapshots, and the pupils whose ledger agrees with its balance but runs long past its checkpoint.</summary>
    static async Task<(IReadOnlyList<Opened>, HashSet<Guid>)> ReadAllAsync(NpgsqlDataSource db, IReadOnlyList<(Guid PupilId, DateTimeOffset Now)> calls)
    {
        var pupils = calls.Select(c => c.PupilId).Distinct().ToArray();
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT p.id, w.compartment, p.school_id
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.id = ANY(@pupils)
            ON CONFLICT DO NOTHING
            """) { Parameters = { new("pupils", pupils) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT id, school_id FROM pupils WHERE id = ANY(@pupils)")
        {
            Parameters = { new("pupils", pupils) },
        });
        // The entries after the checkpoint, as a row comparison on ledger_by_purse's columns: written as id > checkpoint,
        // the planner may walk the primary key over the whole ledger (docs/benchmarks.md › activations).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT c.pupil_id, c.compartment, w.name, w.floor_cents, c.balance_cents, c.communication,
                   coalesce(k.sum_cents, 0) + l.total, greatest(k.through_id, l.last), l.entries
            FROM purse_compartments c JOIN wallet_compartments w ON w.school_id = c.school_id AND w.compartment = c.compartment
            LEFT JOIN purse_checkpoints k ON k.pupil_id = c.pupil_id AND k.compartment = c.compartment
            CROSS JOIN LATERAL (SELECT coalesce(sum(amount_cents), 0) AS total, coalesce(max(id), 0) AS last, count(*) AS entries
                                FROM ledger_entries
                                WHERE pupil_id = c.pupil_id AND compartment = c.compartment
                                  AND (pupil_id, compartment, id) > (c.pupil_id, c.compartment, coalesce(k.through_id, 0))) l
            WHERE c.pupil_id = ANY(@pupils)
            ORDER BY c.pupil_id, c.compartment
            """) { Parameters = { new("pupils", pupils) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT pupil_id, idempotency_key, id, compartment, amount_cents, balance_after_cents, kind
            FROM ledger_entries WHERE pupil_id = ANY(@pupils) AND occurred_at > @since
            ORDER BY id
            """) { Parameters = { new("pupils", pupils), new("since", calls.Min(c => c.Now) - RememberedKeys) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WatchersSql) { Parameters = { new("pupils", pupils) } });
        var now = calls.Max(c => c.Now);
        var (today, week) = SpendTally.Starts(now);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SpentSql) { Parameters = { new("pupils", pupils), new("today", today), new("week", week) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LimitsSql) { Parameters = { new("pupils", pupils) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BlocksSql) { Parameters = { new("pupils", pupils) } });

        // The insert returns no rows, so the reader opens on the pupils.
        await using var reader = await batch.ExecuteReaderAsync();
        var schools = new Dictionary<Guid, Guid>();
        while (await reader.ReadAsync())
        {
            schools[reader.GetGuid(0)] = reader.GetGuid(1);
        }
        await reader.NextResultAsync();
        var compartments = pupils.ToDictionary(p => p, _ => new List<PurseCompartment>());
        var mismatches = new Dictionary<Guid, Exception>();
        var versions = pupils.ToDictionary(p => p, _ => 0L);
        var longTails = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            var pupil = reader.GetGuid(0);
            var compartment = new PurseCompartment(reader.GetInt16(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4),
                StructuredCommunication.From(reader.GetInt64(5)));
            var ledgerSum = reader.GetInt64(6);
            if (ledgerSum != compartment.BalanceCents)
            {
                mismatches.TryAdd(pupil, new LedgerMismatchException(pupil, compartment.Compartment, compartment.BalanceCents, ledgerSum));
            }
            else if (reader.GetInt64(8) >= CheckpointAfter)
            {
                longTails.Add(pupil);
            }
            compartments[pupil].Add(compartment);
            versions[pupil] = Math.Max(versions[pupil], reader.GetInt64(7));
        }
        await reader.NextResultAsync();
        var recent = pupils.ToDictionary(p => p, _ => new List<StoredEntry>());
        while (await reader.ReadAsync())
        {
            recent[reader.GetGuid(0)].Add(new StoredEntry(reader.GetString(1), reader.GetInt64(2), reader.GetInt16(3), reader.GetInt64(4),
                reader.GetInt64(5), LedgerNames.FromDatabase<MovementKind>(reader.GetString(6))));
        }

        await reader.NextResultAsync();
        var watchers = await ReadWatchersAsync(reader, pupils, CancellationToken.None);
        await reader.NextResultAsync();
        var spent = pupils.ToDictionary(p => p, _ => new List<(SpendKind, long, long)>());
        while (await reader.ReadAsync())
        {
            spent[reader.GetGuid(0)].Add(((SpendKind)reader.GetInt16(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        await reader.NextResultAsync();
        var spending = await ReadSpendingRulesAsync(reader, pupils, CancellationToken.None);
        longTails.ExceptWith(mismatches.Keys);

        return (calls.Select(c =>
            !schools.TryGetValue(c.PupilId, out var school)
                ? new Opened(null, new InvalidOperationException($"No pupil {c.PupilId}: a purse belongs to a pupil."))
                : mismatches.TryGetValue(c.PupilId, out var mismatch)
                    ? new Opened(null, mismatch)
                    : new Opened(new PurseSnapshot(school, compartments[c.PupilId], recent[c.PupilId], versions[c.PupilId],
                        new PurseRules(watchers[c.PupilId], spending[c.PupilId]), SpendTally.Opened(now, spent[c.PupilId])), null))
            .ToList(), longTails);
    }

    /// <summary>Entries after a compartment's checkpoint beyond which opening its purse moves the checkpoint forward.</summary>
    const int CheckpointAfter = 1_000;

    /// <summary>
    /// Moves the checkpoints of these purses forward over their settled entries, those written more than a day ago, when
    /// the whole ledger still agrees with the balance. Settled, because ids are handed out when a row is inserted and not
    /// when it commits: an entry still in flight from a silo that is dying could later commit under a smaller id than one
    /// already visible, and no batch stays in flight for a day. The checkpoint stops before the first unsettled entry.
    /// </summary>
    static async Task CheckpointAsync(NpgsqlDataSource db, Guid[] pupils)
    {
        await using var checkpoint = db.CreateCommand("""
            INSERT INTO purse_checkpoints (pupil_id, compartment, through_id, sum_cents)
            SELECT c.pupil_id, c.compartment, tail.through, coalesce(k.sum_cents, 0) + tail.settled
            FROM purse_compartments c
            LEFT JOIN purse_checkpoints k ON k.pupil_id = c.pupil_id AND k.compartment = c.compartment
            CROSS JOIN LATERAL (SELECT min(id) AS first FROM ledger_entries
                                WHERE pupil_id = c.pupil_id AND compartment = c.compartment
                                  AND (pupil_id, compartment, id) > (c.pupil_id, c.compartment, coalesce(k.through_id, 0))
                                  AND occurred_at >= now() - interval '1 day') unsettled
            CROSS JOIN LATERAL (SELECT coalesce(sum(amount_cents), 0) AS total,
                                       max(id) FILTER (WHERE id < unsettled.first OR unsettled.first IS NULL) AS through,
                                       coalesce(sum(amount_cents) FILTER (WHERE id < unsettled.first OR unsettled.first IS NULL), 0) AS settled
                                FROM ledger_entries
                                WHERE pupil_id = c.pupil_id AND compartment = c.compartment
                                  AND (pupil_id, compartment, id) > (c.pupil_id, c.compartment, coalesce(k.through_id, 0))) tail
            WHERE c.pupil_id = ANY(@pupils) AND tail.through IS NOT NULL
              AND coalesce(k.sum_cents, 0) + tail.total = c.balance_cents
            ON CONFLICT (pupil_id, compartment) DO UPDATE SET through_id = excluded.through_id, sum_cents = excluded.sum_cents
            WHERE purse_checkpoints.through_id < excluded.through_id
            """);
        checkpoint.Parameters.AddWithValue("pupils", pupils);
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The pupil's guardians who want a low-balance alert, per compartment: their own threshold, or the school's default when
    /// they chose nothing or chose it, with the alert state last written.
    /// </summary>
    const string WatchersSql = """
        SELECT g.pupil_id, c.compartment, g.user_id, CASE WHEN t.pupil_id IS NULL OR t.follows_default THEN d.threshold_cents ELSE t.threshold_cents END,
               COALESCE(t.repeat_days, 2), s.alerted_at
        FROM guardianships g
        JOIN users u ON u.id = g.user_id AND u.deactivated_at IS NULL
        JOIN purse_compartments c ON c.pupil_id = g.pupil_id
        LEFT JOIN balance_alert_settings t ON t.pupil_id = g.pupil_id AND t.compartment = c.compartment AND t.guardian_id = g.user_id
        LEFT JOIN balance_alert_defaults d ON d.school_id = c.school_id AND d.compartment = c.compartment
        LEFT JOIN balance_alert_state s ON s.pupil_id = g.pupil_id AND s.compartment = c.compartment AND s.guardian_id = g.user_id
        WHERE g.pupil_id = ANY(@pupils) AND CASE WHEN t.pupil_id IS NULL OR t.follows_default THEN d.threshold_cents ELSE t.threshold_cents END IS NOT NULL
        ORDER BY g.pupil_id, c.compartment, g.user_id
        """;

    static async Task<Dictionary<Guid, List<AlertWatcher>>> ReadWatchersAsync(NpgsqlDataReader reader, Guid[] pupils, CancellationToken cancellationToken)
    {
        var watchers = pupils.ToDictionary(p => p, _ => new List<AlertWatcher>());
        while (await reader.ReadAsync(cancellationToken))
        {
            watchers[reader.GetGuid(0)].Add(new AlertWatcher(reader.GetGuid(2), reader.GetInt16(1), reader.GetInt64(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return watchers;
    }

    /// <summary>What each pupil spent today and this week per kind of purchase (a void counts against its sale).</summary>
    internal const string SpentSql = """
        SELECT pupil_id, spend_kind, coalesce(-sum(amount_cents) FILTER (WHERE occurred_at >= @today), 0)::bigint, -sum(amount_cents)::bigint
        FROM ledger_entries
        WHERE pupil_id = ANY(@pupils) AND occurred_at >= @week AND spend_kind IS NOT NULL
        GROUP BY pupil_id, spend_kind
        """;

    /// <summary>The limits in force per scope: a guardian's and the school's ceiling, the lower (least() passes over a missing one).</summary>
    const string LimitsSql = """
        SELECT p.id, s.scope, least(l.daily_cents, c.daily_cents), least(l.weekly_cents, c.weekly_cents)
        FROM pupils p
        CROSS JOIN generate_series(0, 3) AS s(scope)
        LEFT JOIN spending_limits l ON l.pupil_id = p.id AND l.scope = s.scope
        LEFT JOIN spending_ceilings c ON c.school_id = p.school_id AND c.scope = s.scope
        WHERE p.id = ANY(@pupils) AND (l.pupil_id IS NOT NULL OR c.school_id IS NOT NULL)
        ORDER BY p.id, s.scope
        """;

    const string BlocksSql = "SELECT pupil_id, kind, value FROM spending_blocks WHERE pupil_id = ANY(@pupils) ORDER BY pupil_id, kind, value";

    /// <summary>Reads the limits' and the blocks' result sets, in that order.</summary>
    static async Task<Dictionary<Guid, SpendingRules>> ReadSpendingRulesAsync(NpgsqlDataReader reader, Guid[] pupils, CancellationToken cancellationToken)
    {
        var limits = pupils.ToDictionary(p => p, _ => new List<SpendingLimit>());
        while (await reader.ReadAsync(cancellationToken))
        {
            limits[reader.GetGuid(0)].Add(new SpendingLimit(reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3)));
        }
        await reader.NextResultAsync(cancellationToken);
        var blocks = pupils.ToDictionary(p => p, _ => (Articles: new List<string>(), Categories: new List<string>()));
        while (await reader.ReadAsync(cancellationToken))
        {
            var pupil = blocks[reader.GetGuid(0)];
            (reader.GetString(1) == "article" ? pupil.Articles : pupil.Categories).Add(reader.GetString(2));
        }
        return pupils.ToDictionary(p => p, p => limits[p].Count == 0 && blocks[p].Articles.Count == 0 && blocks[p].Categories.Count == 0
            ? SpendingRules.None
            : new SpendingRules(limits[p], blocks[p].Articles, blocks[p].Categories));
    }

    /// <summary>The pupil's low-balance watchers and spending rules, read again after a guardian or the school changed one.</summary>
    public async Task<PurseRules> ReadRulesAsync(Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        Guid[] pupils = [pupilId];
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WatchersSql) { Parameters = { new("pupils", pupils) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LimitsSql) { Parameters = { new("pupils", pupils) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BlocksSql) { Parameters = { new("pupils", pupils) } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var watchers = await ReadWatchersAsync(reader, pupils, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var spending = await ReadSpendingRulesAsync(reader, pupils, cancellationToken);
        return new PurseRules(watchers[pupilId], spending[pupilId]);
    }

    /// <summary>
    /// The school's current compartment settings for this purse (names, floors, a compartment added since),
    /// opening the purse's row for any new compartment.
    /// </summary>
    public async Task<IReadOnlyList<PurseCompartment>> ReadCompartmentsAsync(Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT p.id, w.compartment, p.school_id
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.id = @pupil
            ON CONFLICT DO NOTHING;
            SELECT c.compartment, w.name, w.floor_cents, c.balance_cents, c.communication
            FROM purse_compartments c JOIN wallet_compartments w ON w.school_id = c.school_id AND w.compartment = c.compartment
            WHERE c.pupil_id = @pupil ORDER BY c.compartment;
            """);
        command.Parameters.AddWithValue("pupil", pupilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var compartments = new List<PurseCompartment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            compartments.Add(new PurseCompartment(reader.GetInt16(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3),
                StructuredCommunication.From(reader.GetInt64(4))));
        }
        return compartments;
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
    /// Writes the entries and moves each touched balance from its old to its new value, all or nothing, and
    /// returns the entries' ids in the order given. The old value is checked, so a second activation of the
    /// same purse (possible for a moment when the cluster's membership changes) cannot write over the first:
    /// its write fails and it reloads.
    /// </summary>
    /// <remarks>
    /// Appends from all the purses of this silo are gathered: while writers are busy, the next appends wait
    /// and then go to PostgreSQL together, in one statement batch and one commit (group commit across
    /// purses). A failing batch is retried append by append, so only the append at fault fails.
    /// </remarks>
    public async Task<long[]> AppendAsync(Guid schoolId, Guid pupilId, IReadOnlyList<NewEntry> entries,
        IReadOnlyList<(int Compartment, long Old, long New)> balances, IReadOnlyList<LedgerAttachment>? attachments = null)
    {
        try
        {
            return await appends.RunAsync(new Append(schoolId, pupilId, entries, balances, attachments ?? []));
        }
        catch (PostgresException error) when (error.SqlState == "IS001")
        {
            throw new PurseConcurrencyException(pupilId);
        }
    }

    readonly SqlBatcher<Append, long[]> appends = new(batch => WriteAsync(db, batch));

    sealed record Append(Guid SchoolId, Guid PupilId, IReadOnlyList<NewEntry> Entries,
        IReadOnlyList<(int Compartment, long Old, long New)> Balances, IReadOnlyList<LedgerAttachment> Attachments);

    /// <summary>One round trip: the entries, the guarded balance moves and the attached rows, in PostgreSQL's implicit transaction.</summary>
    static async Task<IReadOnlyList<long[]>> WriteAsync(NpgsqlDataSource db, IReadOnlyList<Append> batch)
    {
        var entries = batch.SelectMany(a => a.Entries.Select(e => (a.SchoolId, a.PupilId, Entry: e))).ToList();
        var balances = batch.SelectMany(a => a.Balances.Select(b => (a.PupilId, Balance: b))).ToList();
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlBatch(connection);

        var insert = new NpgsqlBatchCommand("""
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                        subject_code, subject_args, caused_by_kind, caused_by_id, caused_by_name, idempotency_key,
                                        occurred_at, spend_kind)
            SELECT e.school, e.pupil, e.compartment, e.amount, e.balance_after, e.kind, e.method, e.subject_code, e.subject_args,
                   e.actor_kind, e.actor_id, e.actor_name, e.key, e.occurred_at, e.spend_kind
            FROM unnest(@school, @pupil, @compartment, @amount, @balance_after, @kind, @method, @subject_code, @subject_args, @actor_kind,
                        @actor_id, @actor_name, @key, @occurred_at, @spend_kind)
                 WITH ORDINALITY AS e(school, pupil, compartment, amount, balance_after, kind, method, subject_code, subject_args,
                                      actor_kind, actor_id, actor_name, key, occurred_at, spend_kind, n)
            ORDER BY e.n
            RETURNING id
            """);
        insert.Parameters.AddWithValue("school", entries.Select(e => e.SchoolId).ToArray());
        insert.Parameters.AddWithValue("pupil", entries.Select(e => e.PupilId).ToArray());
        insert.Parameters.AddWithValue("compartment", entries.Select(e => (short)e.Entry.Compartment).ToArray());
        insert.Parameters.AddWithValue("amount", entries.Select(e => e.Entry.AmountCents).ToArray());
        insert.Parameters.AddWithValue("balance_after", entries.Select(e => e.Entry.BalanceAfterCents).ToArray());
        insert.Parameters.AddWithValue("kind", entries.Select(e => LedgerNames.ToDatabase(e.Entry.Kind)).ToArray());
        insert.Parameters.Add(Texts("method", entries.Select(e => e.Entry.Method is { } m ? LedgerNames.ToDatabase(m) : null)));
        insert.Parameters.AddWithValue("subject_code", entries.Select(e => LedgerNames.ToDatabase(e.Entry.Subject.Code)).ToArray());
        insert.Parameters.Add(SubjectArguments("subject_args", entries.Select(e => e.Entry.Subject)));
        insert.Parameters.AddWithValue("actor_kind", entries.Select(e => LedgerNames.ToDatabase(e.Entry.CausedBy.Kind)).ToArray());
        insert.Parameters.Add(Texts("actor_id", entries.Select(e => e.Entry.CausedBy.Id)));
        insert.Parameters.Add(Texts("actor_name", entries.Select(e => e.Entry.CausedBy.Name)));
        insert.Parameters.AddWithValue("key", entries.Select(e => e.Entry.IdempotencyKey).ToArray());
        insert.Parameters.AddWithValue("occurred_at", entries.Select(e => e.Entry.OccurredAt).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("spend_kind", NpgsqlDbType.Array | NpgsqlDbType.Smallint)
        {
            Value = entries.Select(e => e.Entry.Spend is { } kind ? (short?)kind : null).ToArray(),
        });
        command.BatchCommands.Add(insert);

        var move = new NpgsqlBatchCommand("""
            WITH moved AS (
                UPDATE purse_compartments c SET balance_cents = b.new
                FROM unnest(@pupil, @compartment, @old, @new) AS b(pupil, compartment, old, new)
                WHERE c.pupil_id = b.pupil AND c.compartment = b.compartment AND c.balance_cents = b.old
                RETURNING 1)
            SELECT purse_balances_moved(@expected, (SELECT count(*) FROM moved))
            """);
        move.Parameters.AddWithValue("pupil", balances.Select(b => b.PupilId).ToArray());
        move.Parameters.AddWithValue("compartment", balances.Select(b => (short)b.Balance.Compartment).ToArray());
        move.Parameters.AddWithValue("old", balances.Select(b => b.Balance.Old).ToArray());
        move.Parameters.AddWithValue("new", balances.Select(b => b.Balance.New).ToArray());
        move.Parameters.AddWithValue("expected", balances.Count);
        command.BatchCommands.Add(move);
        foreach (var run in Runs(batch.SelectMany(a => a.Attachments)))
        {
            foreach (var attached in run[0].Commands(run))
            {
                command.BatchCommands.Add(attached);
            }
        }

        var ids = new long[entries.Count];
        await using var reader = await command.ExecuteReaderAsync();
        for (var i = 0; await reader.ReadAsync(); i++)
        {
            ids[i] = reader.GetInt64(0);
        }
        // The guard's row: reading past it surfaces its error, if any, before the batch counts as written.
        while (await reader.NextResultAsync())
        {
            while (await reader.ReadAsync())
            {
            }
        }
        var answers = new List<long[]>(batch.Count);
        var offset = 0;
        foreach (var append in batch)
        {
            answers.Add(ids[offset..(offset + append.Entries.Count)]);
            offset += append.Entries.Count;
        }
        return answers;
    }

    /// <summary>The attachments in their order, cut where the type changes: a booking and its cancellation in one batch stay in that order.</summary>
    static IEnumerable<List<LedgerAttachment>> Runs(IEnumerable<LedgerAttachment> attachments)
    {
        var run = new List<LedgerAttachment>();
        foreach (var attachment in attachments)
        {
            if (run.Count > 0 && run[0].GetType() != attachment.GetType())
            {
                yield return run;
                run = [];
            }
            run.Add(attachment);
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }

    static NpgsqlParameter Texts(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    /// <summary>Each subject's arguments as one JSON array (a jsonb[] parameter, since unnest flattens a text[][]).</summary>
    public static NpgsqlParameter SubjectArguments(string name, IEnumerable<LedgerSubject> subjects) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = subjects.Select(s => JsonSerializer.Serialize(s.Arguments)).ToArray() };
}

public sealed record PurseCompartment(int Compartment, string Name, long FloorCents, long BalanceCents, StructuredCommunication Communication);

/// <param name="Version">The purse's last ledger entry (0 for none).</param>
public sealed record PurseSnapshot(Guid SchoolId, IReadOnlyList<PurseCompartment> Compartments, IReadOnlyList<StoredEntry> RecentEntries, long Version,
    PurseRules Rules, SpendTally Spent);

/// <summary>What the guardians and the school set that the purse applies with each movement: low-balance alerts and spending rules.</summary>
public sealed record PurseRules(IReadOnlyList<AlertWatcher> Watchers, SpendingRules Spending);

public sealed record StoredEntry(string IdempotencyKey, long Id, int Compartment, long AmountCents, long BalanceAfterCents, MovementKind Kind);

public sealed record NewEntry(
    int Compartment, long AmountCents, long BalanceAfterCents, MovementKind Kind, PaymentMethod? Method, LedgerSubject Subject,
    Actor CausedBy, string IdempotencyKey, DateTimeOffset OccurredAt, SpendKind? Spend = null);

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