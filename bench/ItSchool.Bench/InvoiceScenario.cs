using System.Diagnostics;
using System.Text;
using ItSchool.Invoices;
using ItSchool.Platform.Orleans;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Invoices under load: issuing one per pupil (the number sequence is one row per school and year, so every
/// issue of a school queues on it), then concurrent one-cent payments by transfer (a bank statement import)
/// and from the wallet (the saga: intent row, purse debit, payment) on invoices large enough never to be paid off.
/// </summary>
public static class InvoiceScenario
{
    static readonly Actor Bench = new(ActorKind.System, null, "Bench");

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options)
    {
        var pupils = await WalletScenario.CreatePupilsAsync(db, options.Pupils);
        using var host = await BenchNodes.StartSiloAsync(db, connectionString);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        try
        {
            var invoiceOf = pupils.ToDictionary(p => p, _ => Guid.CreateVersion7());
            var issuing = Stopwatch.StartNew();
            await Parallel.ForEachAsync(pupils, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (pupil, _) =>
            {
                var issued = await grains.GetGrain<IInvoiceGrain>(invoiceOf[pupil]).IssueAsync(new NewInvoice(DemoSchool.Id, pupil, "Bench",
                    new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1), [new InvoiceLine("Ligne", 1, 10_000_000)], Bench));
                if (issued.Problem is not null)
                {
                    throw new InvalidOperationException($"Issue failed: {issued.Problem}");
                }
            });
            var issueRate = pupils.Length / issuing.Elapsed.TotalSeconds;

            var invoices = invoiceOf.Values.ToArray();
            var results = new List<WalletScenario.Result>();
            foreach (var (path, pay) in new (string, Func<Guid, string, Task<bool>>)[]
            {
                ("by transfer", async (invoice, key) => (await grains.GetGrain<IInvoiceGrain>(invoice)
                    .PayByTransferAsync(new InvoiceTransfer(key, 1, new DateOnly(2026, 11, 20), "Bench"))).Accepted),
                ("from the wallet", async (invoice, key) => (await grains.GetGrain<IInvoiceGrain>(invoice)
                    .PayFromWalletAsync(new WalletPayment(key, 1, Bench))).Accepted),
            })
            {
                await WalletScenario.MeasureAsync("warm-up", path, invoices, 2, options.Concurrency, pay);
                results.Add(await WalletScenario.MeasureAsync(path, "spread", invoices, options.Seconds, options.Concurrency, pay));
            }
            await VerifyAsync(db);

            var report = new StringBuilder();
            report.AppendLine($"invoices: {options.Pupils} invoices, {options.Concurrency} concurrent one-cent payments, {options.Seconds} s per run, " +
                $"{Environment.ProcessorCount} cores");
            report.AppendLine();
            report.AppendLine($"Issued {pupils.Length} invoices at {issueRate:F0} invoices/s.");
            report.AppendLine();
            report.AppendLine("| path | payments/s | p50 ms | p99 ms | declined |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var r in results)
            {
                report.AppendLine($"| {r.Path} | {r.Throughput:F0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.Declined} |");
            }
            report.AppendLine();
            report.AppendLine("Every invoice's paid sum equals its movements, every wallet payment has its purse debit, none is left pending.");
            return report.ToString();
        }
        finally
        {
            await host.StopAsync();
        }
    }

    static async Task VerifyAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT count(*) FROM invoices i
                    WHERE i.paid_cents <> (SELECT coalesce(sum(applied_cents), 0) FROM invoice_movements m WHERE m.invoice_id = i.id AND m.kind = 'payment'))
                 + (SELECT count(*) FROM invoice_pending_transfers WHERE outcome IS NULL)
                 + abs((SELECT count(*) FROM invoice_movements WHERE method = 'wallet')
                       - (SELECT count(*) FROM ledger_entries WHERE kind = 'invoice_payment'))
            """);
        var problems = (long)(await command.ExecuteScalarAsync())!;
        if (problems != 0)
        {
            throw new InvalidOperationException($"{problems} invoice inconsistencies after the run");
        }
    }
}