using System.Diagnostics;
using System.Globalization;
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
/// Every pupil of a large school group's purse opened at once over a two-silo cluster (separate processes, as in
/// production): how fast purses activate and what each costs the silos in memory. Then one pupil with ten years of sales
/// beside a new one: what the purse's checkpoint saves when it opens.
/// </summary>
static class ActivationsScenario
{
    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, string[] args)
    {
        var count = int.Parse(MeetingsScenario.Value(args, "--pupils", "500000"), CultureInfo.InvariantCulture);
        var concurrency = int.Parse(MeetingsScenario.Value(args, "--concurrency", "256"), CultureInfo.InvariantCulture);
        var report = new StringBuilder();
        report.AppendLine(await TenYearPupilAsync(db));

        var pupils = new List<Guid>(count);
        for (var made = 0; made < count; made += 50_000)
        {
            pupils.AddRange(await WalletScenario.CreatePupilsAsync(db, Math.Min(50_000, count - made)));
        }
        await using (var analyze = db.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        await using var siloA = NodeProcess.Silo("silo A", connectionString, "activations");
        await using var siloB = NodeProcess.Silo("silo B", connectionString, "activations");
        siloA.Start();
        siloB.Start();
        await Task.WhenAll(siloA.WaitReadyAsync(TimeSpan.FromMinutes(2)), siloB.WaitReadyAsync(TimeSpan.FromMinutes(2)));
        using var client = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(orleans => orleans.UseItSchoolCluster(connectionString, new ClusterSettings { ClusterId = "activations" }))
            .Build();
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IGrainFactory>();
        // Warm both silos' code paths before the memory they hold is read.
        await Task.WhenAll(pupils.Take(1_000).Select(p => grains.GetGrain<IPurseGrain>(p).GetPurseAsync()));
        var before = siloA.ResidentBytes + siloB.ResidentBytes;

        var next = 1_000;
        var clock = Stopwatch.StartNew();
        var progress = new List<(double Seconds, int Activated)>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next) - 1; i < pupils.Count; i = Interlocked.Increment(ref next) - 1)
            {
                await grains.GetGrain<IPurseGrain>(pupils[i]).GetPurseAsync();
                if (i % 50_000 == 0)
                {
                    lock (progress)
                    {
                        progress.Add((clock.Elapsed.TotalSeconds, i));
                    }
                    Console.Error.WriteLine($"activations: {i:N0} after {clock.Elapsed.TotalSeconds:F0} s");
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var after = siloA.ResidentBytes + siloB.ResidentBytes;
        var activated = pupils.Count - 1_000;
        await client.StopAsync();

        report.AppendLine(($"activations: {pupils.Count:N0} purses over 2 silos (separate processes), {concurrency} calls in flight, " +
            $"{Environment.ProcessorCount} cores"));
        report.AppendLine();
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(($"| purses activated (after 1,000 to warm up) | {activated:N0} |"));
        report.AppendLine(($"| time | {elapsed:F0} s |"));
        report.AppendLine(($"| activation rate | {activated / elapsed:F0} /s |"));
        report.AppendLine(($"| silos' resident memory before / after | {before / 1_048_576.0:F0} MB / {after / 1_048_576.0:F0} MB |"));
        report.AppendLine(($"| resident memory per activation | {(after - before) / (double)activated:F0} bytes |"));
        return report.ToString();
    }

    /// <summary>
    /// A pupil with 20,000 sales spread over ten years and a pupil with one top-up, each purse opened 30 times straight from
    /// the ledger (<see cref="Ledger.OpenAsync"/>, the purse's activation read); the first opening of the old pupil sums its
    /// ledger and writes the checkpoint, the next ones add what came after it.
    /// </summary>
    static async Task<string> TenYearPupilAsync(NpgsqlDataSource db)
    {
        var fresh = (await WalletScenario.CreatePupilsAsync(db, 1))[0];
        var old = Guid.CreateVersion7();
        // Ten years of a pupil whose first entry is ten years old too (the bench's pupils start with a top-up made now):
        // a top-up then 20,000 sales, each row shaped as the new pupil's top-up.
        await using (var history = db.CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            SELECT @old, school_id, 'Bench', 'Ancien', '6A' FROM pupils WHERE id = @fresh;
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT @old, compartment, school_id FROM purse_compartments WHERE pupil_id = @fresh;
            WITH entries AS (
                INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject_code, subject_args,
                                            caused_by_kind, idempotency_key, occurred_at)
                SELECT school_id, @old, 1, CASE WHEN n = 0 THEN 10000000 ELSE -100 END, 10000000 - 100 * n,
                       CASE WHEN n = 0 THEN kind ELSE 'sale' END, subject_code, subject_args, caused_by_kind, 'year/' || n,
                       now() - interval '10 years' + n * interval '4 hours'
                FROM ledger_entries, generate_series(0, 20000) AS n
                WHERE pupil_id = @fresh AND compartment = 1
                ORDER BY n
                RETURNING amount_cents)
            UPDATE purse_compartments SET balance_cents = (SELECT sum(amount_cents) FROM entries)
            WHERE pupil_id = @old AND compartment = 1
            """))
        {
            history.Parameters.AddWithValue("old", old);
            history.Parameters.AddWithValue("fresh", fresh);
            await history.ExecuteNonQueryAsync();
        }
        // As autovacuum would have by the time a pupil has ten years of sales: the planner's statistics.
        await using (var analyze = db.CreateCommand("ANALYZE ledger_entries"))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        var ledger = new Ledger(db);
        var first = Stopwatch.StartNew();
        await ledger.OpenAsync(old, DateTimeOffset.UtcNow);
        var firstMs = first.Elapsed.TotalMilliseconds;
        var (oldMs, freshMs) = (await MedianOpenAsync(ledger, old), await MedianOpenAsync(ledger, fresh));
        return $"""
            Ten-year pupil (20,000 sales) beside a new one (one top-up), the purse's opening read (median of 30):

            | purse | opening (ms) |
            |---|---:|
            | ten-year pupil, first opening (sums the ledger, writes the checkpoint) | {firstMs:F1} |
            | ten-year pupil, from the checkpoint | {oldMs:F2} |
            | new pupil | {freshMs:F2} |
            | ten-year / new, from the checkpoint | {oldMs / freshMs:F2}× |

            """;
    }

    static async Task<double> MedianOpenAsync(Ledger ledger, Guid pupil)
    {
        var times = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var watch = Stopwatch.StartNew();
            await ledger.OpenAsync(pupil, DateTimeOffset.UtcNow);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }
}