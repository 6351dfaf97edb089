using System.Diagnostics;
using System.Text;
using ItSchool.BankStatements;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Bank statement import: a generated CODA statement (95 % of the movements carry a pupil's wallet
/// communication, 5 % free text) over many pupils, imported through the same service as the manager's page
/// and the API, on a running single node (web app with its in-process silo). A small and a large file
/// show whether memory follows the file's size: a sampler forces a full collection every 500 ms and
/// keeps the largest live heap seen.
/// </summary>
public static class ImportScenario
{
    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, string[] args)
    {
        var pupilCount = Option(args, "--pupils", 20_000);
        var movements = Option(args, "--movements", 50_000);
        var pupils = await WalletScenario.CreatePupilsAsync(db, pupilCount);
        var communications = new List<StructuredCommunication>();
        await using (var command = db.CreateCommand("SELECT communication FROM purse_compartments WHERE pupil_id = ANY(@ids) AND compartment = 1"))
        {
            command.Parameters.AddWithValue("ids", pupils);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                communications.Add(StructuredCommunication.From(reader.GetInt64(0)));
            }
        }

        // Validation first, before the node starts, so that nothing else in the process allocates meanwhile.
        var files = new List<(int Size, string Path, int Expected, TimeSpan Validate, long ValidateHeap)>();
        try
        {
            foreach (var size in new[] { movements / 10, movements })
            {
                var path = Path.Combine(Path.GetTempPath(), $"itschool-bench-{Guid.NewGuid():N}.cod");
                var expected = Write(path, size, communications);
                var (validate, heap) = await MeasureAsync(() => Task.FromResult(StatementFile.Check(() => Open(path))), TimeSpan.FromMilliseconds(10));
                files.Add((size, path, expected, validate, heap));
            }

            var app = await BenchNodes.StartWebAsync(connectionString);
            try
            {
                var imports = app.Services.GetRequiredService<BankImports>();
                var actor = new Actor(ActorKind.Import, "bench", "Benchmark");
                var report = new StringBuilder();
                report.AppendLine($"import: CODA files of daily statements (5,000 movements each) over {pupilCount:N0} pupils (95 % wallet " +
                    "communications, 5 % free text), one node (web app + in-process silo) and PostgreSQL on this machine; live heap sampled " +
                    "after a forced full collection (every 10 ms while validating, every 500 ms while applying)");
                report.AppendLine();
                report.AppendLine("| movements | file | validate s | validate peak live heap | apply s (validate + record + credit) | credits/s | apply peak live heap | re-import s (nothing moves) |");
                report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var (size, path, expected, validate, validateHeap) in files)
                {
                    var (apply, applyHeap) = await MeasureAsync(() => imports.ImportAsync(DemoSchool.Id, "bench.cod", () => Open(path), actor),
                        TimeSpan.FromMilliseconds(500));
                    var applied = await imports.HistoryAsync(DemoSchool.Id, 1);
                    if (applied[0].Status != ImportStatus.Applied || applied[0].Credited != expected)
                    {
                        throw new InvalidOperationException($"Expected {expected} credits, the import reports {applied[0].Credited}: {applied[0].Problem}");
                    }
                    var (again, _) = await MeasureAsync(() => imports.ImportAsync(DemoSchool.Id, "bench.cod", () => Open(path), actor), TimeSpan.FromSeconds(1));
                    if ((await imports.HistoryAsync(DemoSchool.Id, 1))[0].Credited != 0)
                    {
                        throw new InvalidOperationException("The re-import credited again.");
                    }
                    report.AppendLine($"| {size:N0} | {new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB | {validate.TotalSeconds:F2} | " +
                        $"{validateHeap / 1024.0 / 1024.0:F1} MB | {apply.TotalSeconds:F2} | {expected / apply.TotalSeconds:F0} | " +
                        $"{applyHeap / 1024.0 / 1024.0:F1} MB | {again.TotalSeconds:F2} |");
                }
                await using (var check = db.CreateCommand("""
                    SELECT count(*) FROM purse_compartments c
                    WHERE c.balance_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries l
                                              WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment)
                    """))
                {
                    if ((long)(await check.ExecuteScalarAsync())! != 0)
                    {
                        throw new InvalidOperationException("A balance differs from its ledger's sum.");
                    }
                }
                return report.ToString();
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            foreach (var file in files)
            {
                File.Delete(file.Path);
            }
        }
    }

    static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);

    /// <summary>
    /// Writes <paramref name="size"/> movements on a fresh account, as daily statements of 5,000 movements in one file (CODA numbers a
    /// statement's movements on four digits); returns how many are wallet credits.
    /// </summary>
    static int Write(string path, int size, IReadOnlyList<StructuredCommunication> communications)
    {
        var account = $"BE{Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999)}";
        var random = new Random(size);
        var wallet = 0;
        using var file = File.Create(path);
        var writer = new CodaWriter(file, account);
        var closing = 0L;
        for (var i = 0; i < size; i++)
        {
            if (i % 5_000 == 0)
            {
                if (i > 0)
                {
                    closing = writer.Close();
                }
                writer.Open(i / 5_000 + 1, closing, DateOnly.FromDateTime(DateTime.Today).AddDays(i / 5_000));
            }
            var free = random.Next(100) < 5;
            wallet += free ? 0 : 1;
            writer.Movement($"{account[^6..]}{i:D12}", 500 + random.Next(5_000),
                free ? $"Paiement divers {i}" : communications[random.Next(communications.Count)].ToString(), "PARENT BENCH");
        }
        writer.Close();
        return wallet;
    }

    static async Task<(TimeSpan Elapsed, long PeakLiveBytes)> MeasureAsync<T>(Func<Task<T>> work, TimeSpan sampling)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                await Task.Delay(sampling);
            }
        });
        var start = Stopwatch.GetTimestamp();
        await work();
        var elapsed = Stopwatch.GetElapsedTime(start);
        await stop.CancelAsync();
        await sampler;
        return (elapsed, Math.Max(0, peak));
    }

    static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1]) : fallback;
    }
}