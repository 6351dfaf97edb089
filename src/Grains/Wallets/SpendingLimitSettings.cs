using Npgsql;

namespace ItSchool.Wallets;

/// <summary>A scope's limit as typed: per day, per week, either or neither.</summary>
public sealed record LimitAmounts(long? DailyCents, long? WeeklyCents)
{
    public static LimitAmounts None { get; } = new(null, null);

    public bool IsSet => DailyCents is not null || WeeklyCents is not null;

    /// <summary>Whether these amounts stay within the school's ceiling; an amount left empty follows the ceiling.</summary>
    public bool Within(LimitAmounts ceiling) => Under(DailyCents, ceiling.DailyCents) && Under(WeeklyCents, ceiling.WeeklyCents);

    static bool Under(long? amount, long? ceiling) => ceiling is not { } most || amount is not { } chosen || chosen <= most;
}

/// <summary>The open child's spending rules as the guardians' page shows them, with what was spent so far per scope.</summary>
public sealed record ChildSpending(
    IReadOnlyDictionary<int, LimitAmounts> Limits,
    IReadOnlyDictionary<int, LimitAmounts> Ceilings,
    IReadOnlyDictionary<int, (long Today, long Week)> Spent,
    IReadOnlyList<string> BlockedArticles,
    IReadOnlyList<string> BlockedCategories,
    string? SetBy,
    DateTimeOffset? SetAt);

/// <summary>
/// The spending rules the guardians set for a child (limits per day and week, overall and per kind of purchase, articles
/// and categories not to buy) and the school's ceilings, which a guardian's limit may only lower. A guardian's change is
/// told to the purse at once (<see cref="IPurseGrain.RulesChangedAsync"/>); a school's ceiling reaches each purse within
/// <see cref="PurseGrain.SettingsLifetime"/>.
/// </summary>
public sealed class SpendingLimitSettings(NpgsqlDataSource db, TimeProvider clock)
{
    public const long MaxLimitCents = 100_000;
    public const int MaxBlocks = 200;

    /// <summary>The scopes in the order pages show them: all purchases, then each kind.</summary>
    public static readonly IReadOnlyList<int> Scopes = [SpendingRules.AllPurchases, (int)SpendKind.Canteen, (int)SpendKind.Snacks, (int)SpendKind.Shop];

    public async Task<ChildSpending> ForChildAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        var (today, week) = SpendTally.Starts(clock.GetUtcNow());
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT l.scope, l.daily_cents, l.weekly_cents, u.first_name || ' ' || u.last_name, l.set_at
            FROM spending_limits l JOIN users u ON u.id = l.set_by WHERE l.pupil_id = @pupil
            """) { Parameters = { new("pupil", pupilId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT scope, daily_cents, weekly_cents FROM spending_ceilings WHERE school_id = @school")
        {
            Parameters = { new("school", schoolId) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Ledger.SpentSql)
        {
            Parameters = { new("pupils", new[] { pupilId }), new("today", today), new("week", week) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT b.kind, b.value, u.first_name || ' ' || u.last_name, b.set_at
            FROM spending_blocks b JOIN users u ON u.id = b.set_by WHERE b.pupil_id = @pupil ORDER BY b.value
            """) { Parameters = { new("pupil", pupilId) } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var limits = new Dictionary<int, LimitAmounts>();
        var (setBy, setAt) = ((string?)null, (DateTimeOffset?)null);
        while (await reader.ReadAsync(cancellationToken))
        {
            limits[reader.GetInt16(0)] = Amounts(reader, 1);
            Latest(reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));
        }
        await reader.NextResultAsync(cancellationToken);
        var ceilings = new Dictionary<int, LimitAmounts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ceilings[reader.GetInt16(0)] = Amounts(reader, 1);
        }
        await reader.NextResultAsync(cancellationToken);
        var perKind = new Dictionary<int, (long Today, long Week)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            perKind[reader.GetInt16(1)] = (reader.GetInt64(2), reader.GetInt64(3));
        }
        await reader.NextResultAsync(cancellationToken);
        var (articles, categories) = (new List<string>(), new List<string>());
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetString(0) == "article" ? articles : categories).Add(reader.GetString(1));
            Latest(reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
        var spent = Scopes.ToDictionary(s => s, s => s == SpendingRules.AllPurchases
            ? (perKind.Values.Sum(v => v.Today), perKind.Values.Sum(v => v.Week))
            : perKind.GetValueOrDefault(s));
        return new ChildSpending(limits, ceilings, spent, articles, categories, setBy, setAt);

        void Latest(string who, DateTimeOffset at)
        {
            if (setAt is null || at > setAt)
            {
                (setBy, setAt) = (who, at);
            }
        }
    }

    /// <summary>The school's ceilings per scope.</summary>
    public async Task<IReadOnlyDictionary<int, LimitAmounts>> CeilingsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT scope, daily_cents, weekly_cents FROM spending_ceilings WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ceilings = new Dictionary<int, LimitAmounts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ceilings[reader.GetInt16(0)] = Amounts(reader, 1);
        }
        return ceilings;
    }

    /// <summary>
    /// Replaces the child's rules with these, all or nothing. The caller checked each limit against the ceilings, the
    /// articles against the school's catalogue; the purse is told afterwards.
    /// </summary>
    public async Task SaveAsync(Guid pupilId, Guid guardianId, IReadOnlyDictionary<int, LimitAmounts> limits, IReadOnlyList<string> blockedArticles,
        IReadOnlyList<string> blockedCategories, CancellationToken cancellationToken = default)
    {
        var set = limits.Where(l => l.Value.IsSet).ToList();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM spending_limits WHERE pupil_id = @pupil") { Parameters = { new("pupil", pupilId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO spending_limits (pupil_id, scope, daily_cents, weekly_cents, set_by, set_at)
            SELECT @pupil, l.scope, l.daily, l.weekly, @guardian, @now FROM unnest(@scopes, @daily, @weekly) AS l(scope, daily, weekly)
            """)
        {
            Parameters =
            {
                new("pupil", pupilId), new("guardian", guardianId), new("now", clock.GetUtcNow()),
                new("scopes", set.Select(l => (short)l.Key).ToArray()),
                new("daily", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = set.Select(l => l.Value.DailyCents).ToArray() },
                new("weekly", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = set.Select(l => l.Value.WeeklyCents).ToArray() },
            },
        });
        // Blocks kept as they were keep their author; only what changed is rewritten.
        var blocks = blockedArticles.Select(a => ("article", a)).Concat(blockedCategories.Select(c => ("category", c))).ToList();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            DELETE FROM spending_blocks b WHERE b.pupil_id = @pupil
              AND NOT EXISTS (SELECT 1 FROM unnest(@kinds, @values) AS k(kind, value) WHERE k.kind = b.kind AND k.value = b.value)
            """) { Parameters = { new("pupil", pupilId), new("kinds", blocks.Select(b => b.Item1).ToArray()), new("values", blocks.Select(b => b.Item2).ToArray()) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO spending_blocks (pupil_id, kind, value, set_by, set_at)
            SELECT @pupil, k.kind, k.value, @guardian, @now FROM unnest(@kinds, @values) AS k(kind, value)
            ON CONFLICT DO NOTHING
            """)
        {
            Parameters =
            {
                new("pupil", pupilId), new("guardian", guardianId), new("now", clock.GetUtcNow()),
                new("kinds", blocks.Select(b => b.Item1).ToArray()), new("values", blocks.Select(b => b.Item2).ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Replaces the school's ceilings, all or nothing.</summary>
    public async Task SaveCeilingsAsync(Guid schoolId, IReadOnlyDictionary<int, LimitAmounts> ceilings, CancellationToken cancellationToken = default)
    {
        var set = ceilings.Where(c => c.Value.IsSet).ToList();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM spending_ceilings WHERE school_id = @school") { Parameters = { new("school", schoolId) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO spending_ceilings (school_id, scope, daily_cents, weekly_cents)
            SELECT @school, c.scope, c.daily, c.weekly FROM unnest(@scopes, @daily, @weekly) AS c(scope, daily, weekly)
            """)
        {
            Parameters =
            {
                new("school", schoolId), new("scopes", set.Select(c => (short)c.Key).ToArray()),
                new("daily", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = set.Select(c => c.Value.DailyCents).ToArray() },
                new("weekly", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = set.Select(c => c.Value.WeeklyCents).ToArray() },
            },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    static LimitAmounts Amounts(NpgsqlDataReader reader, int first) =>
        new(reader.IsDBNull(first) ? null : reader.GetInt64(first), reader.IsDBNull(first + 1) ? null : reader.GetInt64(first + 1));
}