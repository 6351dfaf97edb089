using System.Diagnostics;
using System.Text;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// "Opérations financières" over ten years of a school's ledger: the parents' page queries (last 30 days,
/// a school year filtered by type, page 3) on pupils with ten years of history, against the same queries
/// on pupils with only this month's history, in the same run. A ratio near 1 means the history's size does
/// not reach the parents' page.
/// </summary>
public static class OperationsScenario
{
    const int EntriesPerDay = 3;
    const int SchoolDaysPerYear = 180;

    public static async Task<string> RunAsync(NpgsqlDataSource db, BenchOptions options)
    {
        var years = 10;
        var old = await CreatePupilsAsync(db, options.Pupils, days: years * 365);
        var fresh = await CreatePupilsAsync(db, 50, days: 30);
        await using (var analyze = db.CreateCommand("ANALYZE ledger_entries"))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        await using var count = db.CreateCommand("SELECT count(*) FROM ledger_entries");
        var rows = (long)(await count.ExecuteScalarAsync())!;

        var queries = new LedgerQueries(db);
        var now = DateTimeOffset.UtcNow;
        (string Name, Func<Guid, LedgerSearch> Search)[] cases =
        [
            ("last 30 days, page 1", p => new LedgerSearch(DemoSchool.Id, p, now.AddDays(-30), now.AddDays(1))),
            ("school year, sales only, page 1", p => new LedgerSearch(DemoSchool.Id, p, now.AddDays(-300), now.AddDays(1), Kind: MovementKind.Sale)),
            ("last 30 days, page 3 of 20", p => new LedgerSearch(DemoSchool.Id, p, now.AddDays(-30), now.AddDays(1), Page: 3, PageSize: 20)),
        ];
        var report = new StringBuilder();
        report.AppendLine($"operations: {rows:N0} ledger entries in all; {options.Pupils} pupils with {years} years of history " +
            $"({EntriesPerDay} movements a school day), 50 pupils with 30 days; 300 queries per line, one at a time");
        report.AppendLine();
        report.AppendLine("| query | history | p50 ms | p99 ms | ratio of p50 to 30-day pupils |");
        report.AppendLine("|---|---|---:|---:|---:|");
        foreach (var (name, search) in cases)
        {
            var baseline = await MeasureAsync(queries, fresh, search);
            var history = await MeasureAsync(queries, old, search);
            report.AppendLine($"| {name} | 30 days | {baseline.P50:F2} | {baseline.P99:F2} | 1.00 |");
            report.AppendLine($"| {name} | {years} years | {history.P50:F2} | {history.P99:F2} | {history.P50 / baseline.P50:F2} |");
        }
        return report.ToString();
    }

    static async Task<(double P50, double P99)> MeasureAsync(LedgerQueries queries, Guid[] pupils, Func<Guid, LedgerSearch> search)
    {
        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            await queries.SearchAsync(search(pupils[random.Next(pupils.Length)]));
        }
        var times = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var page = await queries.SearchAsync(search(pupils[random.Next(pupils.Length)]));
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (page.Lines.Count == 0)
            {
                throw new InvalidOperationException("A query found nothing: the data set is not what the scenario claims.");
            }
        }
        var sorted = times.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    /// <summary>Pupils with a history going <paramref name="days"/> back: three movements on each school day (about half the days).</summary>
    static async Task<Guid[]> CreatePupilsAsync(NpgsqlDataSource db, int count, int days)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var command = db.CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            SELECT id, @school, 'Historique', 'Élève', '6A' FROM unnest(@ids) AS id;
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT id, c, @school FROM unnest(@ids) AS id, (VALUES (1::smallint), (2::smallint)) AS cs(c);
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                        subject_code, subject_args, caused_by_kind, idempotency_key, occurred_at)
            SELECT @school, p.id, 1 + (n % 2)::smallint,
                   CASE WHEN n % 3 = 0 THEN 2000 ELSE -150 END, 0,
                   CASE WHEN n % 3 = 0 THEN 'bank_top_up' WHEN n % 3 = 1 THEN 'sale' ELSE 'meal_reservation' END,
                   CASE WHEN n % 3 = 0 THEN 'bank_transfer' ELSE 'wallet' END,
                   'verbatim', '["Mouvement historique"]', 'import', 'history-' || n, now() - make_interval(days => d) - make_interval(mins => n % 3)
            FROM unnest(@ids) AS p(id)
            CROSS JOIN generate_series(0, @days - 1) AS d
            CROSS JOIN generate_series(0, @per_day - 1) AS k
            CROSS JOIN LATERAL (SELECT d * @per_day + k AS n) AS serial
            WHERE d % 7 NOT IN (5, 6) AND (d % 365) < @school_days * 365 / 260;
            """);
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("days", days);
        command.Parameters.AddWithValue("per_day", EntriesPerDay);
        command.Parameters.AddWithValue("school_days", SchoolDaysPerYear);
        await command.ExecuteNonQueryAsync();
        return ids;
    }
}