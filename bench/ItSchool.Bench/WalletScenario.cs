using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ItSchool.Platform.Orleans;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Many concurrent one-cent debits, durable, through the purse grain and through a baseline that does the
/// same debit as a plain PostgreSQL transaction (row lock on the balance row, ledger insert, balance
/// update), with the same connection pool, over many pupils ("spread") and over a few ("hot"). A third path
/// debits purses whose guardians watch a low-balance threshold and set spending limits and a blocked category,
/// with the sale's kind and articles: what the alerts and the limits cost the purse, against the plain purse.
/// </summary>
public static class WalletScenario
{
    public sealed record Result(string Path, string Load, long Operations, double Seconds, double P50Ms, double P99Ms, long Declined)
    {
        public double Throughput => Operations / Seconds;
    }

    public static async Task<IReadOnlyList<Result>> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options)
    {
        // Each path has its own pupils: a purse owns its balance rows, and the baseline writing them behind an
        // active purse's back is exactly what the purse's guarded update refuses.
        var pursePupils = await CreatePupilsAsync(db, options.Pupils);
        var baselinePupils = await CreatePupilsAsync(db, options.Pupils);
        var rulePupils = await CreatePupilsAsync(db, options.Pupils);
        await WatchAndLimitAsync(db, rulePupils);
        using var host = await BenchNodes.StartSiloAsync(db, connectionString);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        try
        {
            var results = new List<Result>();
            foreach (var (load, count) in new[] { ("spread", options.Pupils), ("hot", options.HotPupils) })
            {
                var purses = pursePupils.Take(count).ToArray();
                var rows = baselinePupils.Take(count).ToArray();
                var ruled = rulePupils.Take(count).ToArray();
                // Warm every path (activations, pools, JIT) before measuring any.
                await MeasureAsync("warm-up", load, purses, 2, options.Concurrency, (p, k) => PurseDebitAsync(grains, p, k));
                await MeasureAsync("warm-up", load, ruled, 2, options.Concurrency, (p, k) => PurseDebitAsync(grains, p, k, Snack));
                await MeasureAsync("warm-up", load, rows, 2, options.Concurrency, (p, k) => BaselineDebitAsync(db, p, k));
                results.Add(await MeasureAsync("baseline", load, rows, options.Seconds, options.Concurrency, (p, k) => BaselineDebitAsync(db, p, k)));
                results.Add(await MeasureAsync("purse grain", load, purses, options.Seconds, options.Concurrency, (p, k) => PurseDebitAsync(grains, p, k)));
                results.Add(await MeasureAsync(WithRules, load, ruled, options.Seconds, options.Concurrency, (p, k) => PurseDebitAsync(grains, p, k, Snack)));
            }
            await VerifyLedgerAsync(db);
            return results;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    const string WithRules = "purse + alerts + limits";

    static readonly Spend Snack = new(SpendKind.Snacks, ["BENCH"], ["Bench"]);

    static async Task<bool> PurseDebitAsync(IGrainFactory grains, Guid pupil, string key, Spend? spend = null)
    {
        var result = await grains.GetGrain<IPurseGrain>(pupil).DebitAsync(new Debit(key, 1, 1, MovementKind.Sale, PaymentMethod.Wallet,
            LedgerSubject.Sale([("Bench", 1)]), new Actor(ActorKind.Terminal, "bench", "Bench"), Spend: spend));
        if (!result.Accepted && result.Reason != DeclineReason.InsufficientFunds)
        {
            throw new InvalidOperationException($"A bench debit was refused for {result.Reason}: the limits are set never to be reached.");
        }
        return result.Accepted;
    }

    /// <summary>
    /// Two guardians per pupil, each watching both compartments at 1 cent (never crossed: the rule runs for every entry and
    /// writes nothing), and limits for all purchases and for snacks, high enough never to refuse, with a blocked category.
    /// </summary>
    static async Task WatchAndLimitAsync(NpgsqlDataSource db, Guid[] pupils)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO guardianships (school_id, user_id, pupil_id)
            SELECT @school, u.id, p FROM unnest(@pupils) AS p, (SELECT id FROM users WHERE school_id = @school AND role = 'parent' ORDER BY id LIMIT 2) u;
            INSERT INTO balance_alert_settings (pupil_id, compartment, guardian_id, follows_default, threshold_cents, repeat_days)
            SELECT g.pupil_id, c, g.user_id, false, 1, 2 FROM guardianships g, (VALUES (1::smallint), (2::smallint)) AS cs(c) WHERE g.pupil_id = ANY(@pupils);
            INSERT INTO spending_limits (pupil_id, scope, daily_cents, weekly_cents, set_by, set_at)
            SELECT g.pupil_id, s, 100000000, 100000000, min(g.user_id::text)::uuid, now()
            FROM guardianships g, (VALUES (0::smallint), (2::smallint)) AS ss(s) WHERE g.pupil_id = ANY(@pupils) GROUP BY g.pupil_id, s;
            INSERT INTO spending_blocks (pupil_id, kind, value, set_by, set_at)
            SELECT g.pupil_id, 'category', 'Bonbons', min(g.user_id::text)::uuid, now() FROM guardianships g WHERE g.pupil_id = ANY(@pupils) GROUP BY g.pupil_id;
            """);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("pupils", pupils);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The plain-SQL way: lock the balance row, check, insert the entry and move the balance, commit.</summary>
    internal static async Task<bool> BaselineDebitAsync(NpgsqlDataSource db, Guid pupil, string key)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long balance;
        await using (var read = new NpgsqlCommand(
            "SELECT balance_cents FROM purse_compartments WHERE pupil_id = @p AND compartment = 1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("p", pupil);
            balance = (long)(await read.ExecuteScalarAsync())!;
        }
        if (balance < 1)
        {
            await transaction.RollbackAsync();
            return false;
        }
        await using var write = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                                subject_code, subject_args, caused_by_kind, caused_by_id, caused_by_name, idempotency_key, occurred_at)
                    VALUES (@school, @p, 1, -1, @after, 'sale', 'wallet', 'sale', '["Bench", "1"]', 'terminal', 'bench', 'Bench', @key, now())
                    """)
                {
                    Parameters = { new("school", DemoSchool.Id), new("p", pupil), new("after", balance - 1), new("key", key) },
                },
                new NpgsqlBatchCommand("UPDATE purse_compartments SET balance_cents = @after WHERE pupil_id = @p AND compartment = 1")
                {
                    Parameters = { new("after", balance - 1), new("p", pupil) },
                },
            },
        };
        await write.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>
    /// Runs the load until the JIT has settled (fewer than 20 methods compiled in a 2-second slice, at least 6 s, at most
    /// 40 s): a node serving a canteen has run its code for hours, and on 2 busy cores the tiered JIT takes long to get there.
    /// Returns the seconds it took.
    /// </summary>
    internal static async Task<int> WarmUpAsync(string load, Guid[] pupils, int concurrency, Func<Guid, string, Task<bool>> debit)
    {
        var seconds = 0;
        long compiled;
        do
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await MeasureAsync("warm-up", load, pupils, 2, concurrency, debit);
            seconds += 2;
        }
        while (seconds < 40 && (seconds < 6 || System.Runtime.JitInfo.GetCompiledMethodCount() - compiled >= 20));
        return seconds;
    }

    /// <param name="thinkMs">Each worker waits about this long (half to one and a half times) between its operations: a till
    /// where a pupil pays every so often, rather than a client that never stops.</param>
    internal static async Task<Result> MeasureAsync(string path, string load, Guid[] pupils, int seconds, int concurrency,
        Func<Guid, string, Task<bool>> debit, int thinkMs = 0)
    {
        var latencies = new List<double>[concurrency];
        long declined = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(100_000);
            var random = new Random(worker);
            var n = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var pupil = pupils[random.Next(pupils.Length)];
                var start = Stopwatch.GetTimestamp();
                if (!await debit(pupil, $"{path}/{load}/{worker}/{n++}/{Guid.NewGuid():N}"))
                {
                    Interlocked.Increment(ref declined);
                }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (thinkMs > 0)
                {
                    await Task.Delay(random.Next(thinkMs / 2, thinkMs * 3 / 2 + 1));
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(path, load, all.Length, elapsed, Percentile(all, 0.50), Percentile(all, 0.99), declined);
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    internal static async Task<Guid[]> CreatePupilsAsync(NpgsqlDataSource db, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var command = db.CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            SELECT id, @school, 'Bench', 'Élève', '1A' FROM unnest(@ids) AS id;
            INSERT INTO purse_compartments (pupil_id, compartment, school_id, balance_cents)
            SELECT id, c, @school, 100000000 FROM unnest(@ids) AS id, (VALUES (1::smallint), (2::smallint)) AS cs(c);
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject_code,
                                        subject_args, caused_by_kind, idempotency_key, occurred_at)
            SELECT @school, id, c, 100000000, 100000000, 'correction', 'correction', '["Solde initial"]', 'system', 'bench-initial', now()
            FROM unnest(@ids) AS id, (VALUES (1::smallint), (2::smallint)) AS cs(c);
            """);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("ids", ids);
        await command.ExecuteNonQueryAsync();
        return ids;
    }

    /// <summary>Both paths must leave every balance equal to its ledger's sum, or the figures mean nothing.</summary>
    static async Task VerifyLedgerAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM purse_compartments c
            WHERE c.balance_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries l
                                      WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment)
            """);
        var mismatches = (long)(await command.ExecuteScalarAsync())!;
        if (mismatches != 0)
        {
            throw new InvalidOperationException($"{mismatches} compartments differ from their ledger");
        }
    }

    public static string Report(IReadOnlyList<Result> results, BenchOptions options)
    {
        var report = new StringBuilder();
        report.AppendLine($"wallet: {options.Concurrency} concurrent debits of 1 cent, {options.Seconds} s per run, " +
            $"{options.Pupils} pupils (spread) / {options.HotPupils} pupils (hot), {Environment.ProcessorCount} cores");
        report.AppendLine();
        report.AppendLine("| load | path | debits/s | p50 ms | p99 ms | ratio to baseline (throughput) |");
        report.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var load in results.GroupBy(r => r.Load))
        {
            var baseline = load.Single(r => r.Path == "baseline");
            foreach (var r in load)
            {
                report.AppendLine($"| {r.Load} | {r.Path} | {r.Throughput:F0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.Throughput / baseline.Throughput:F2} |");
            }
        }
        report.AppendLine();
        foreach (var load in results.GroupBy(r => r.Load))
        {
            var (plain, ruled) = (load.Single(r => r.Path == "purse grain"), load.Single(r => r.Path == WithRules));
            report.AppendLine($"{load.Key}: the purse with alerts and limits at {ruled.Throughput / plain.Throughput:P0} of the plain purse's throughput.");
        }
        report.AppendLine("Every balance equals its ledger's sum after the run.");
        return report.ToString();
    }
}