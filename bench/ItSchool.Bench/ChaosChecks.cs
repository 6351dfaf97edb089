using Npgsql;

namespace ItSchool.Bench;

/// <summary>What must hold after the chaos run, read from PostgreSQL: nothing lost, nothing doubled, nothing oversold.</summary>
static class ChaosChecks
{
    public sealed record Result(long AcknowledgedSales, long AcknowledgedNotOnce, long SalesTwice, long Unbalanced,
        long HotSold, long Booked, bool MealsMatchLedger, long MealsTwice, long SlotsTwice, bool GridsMatchRows, string? Upgrade)
    {
        public bool Held => AcknowledgedNotOnce == 0 && SalesTwice == 0 && Unbalanced == 0 && HotSold <= MealsScenario.Portions
            && MealsMatchLedger && MealsTwice == 0 && SlotsTwice == 0 && GridsMatchRows && Upgrade is null or UpgradeHeld;
    }

    public const string UpgradeHeld = "the next version's migration applied once, its column on the ledger";

    public static async Task<Result> RunAsync(NpgsqlDataSource db, ChaosLoad load, Guid[] pupils, DateOnly hotDay,
        (long Doubles, bool GridsMatchRows) meetings, bool upgraded)
    {
        // A sale's ledger key is pos/{terminal}/{the till's key}: the tills' keys are unique over the run.
        await using var sales = db.CreateCommand("""
            WITH entries AS (SELECT split_part(idempotency_key, '/', 3) AS sale, count(*) AS n FROM ledger_entries
                             WHERE kind = 'sale' AND idempotency_key LIKE 'pos/%' GROUP BY 1)
            SELECT (SELECT count(*) FROM unnest(@acknowledged) AS a (sale) LEFT JOIN entries e USING (sale) WHERE coalesce(e.n, 0) <> 1),
                   (SELECT count(*) FROM entries WHERE n > 1),
                   (SELECT count(*) FROM purse_compartments c
                    WHERE c.balance_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries l
                                              WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment)),
                   (SELECT count(*) FROM (SELECT 1 FROM meal_bookings WHERE pupil_id = ANY(@pupils) AND status = 'booked'
                                          GROUP BY pupil_id, day HAVING count(*) > 1) AS twice)
            """);
        var acknowledged = load.AcknowledgedSales.ToArray();
        sales.Parameters.AddWithValue("acknowledged", acknowledged);
        sales.Parameters.AddWithValue("pupils", pupils);
        await using var reader = await sales.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (notOnce, twice, unbalanced, mealsTwice) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        await reader.DisposeAsync();
        var (hot, booked, consistent) = await MealsScenario.VerifyAsync(db, pupils, hotDay);
        return new Result(acknowledged.Length, notOnce, twice, unbalanced, hot, booked, consistent, mealsTwice, meetings.Doubles, meetings.GridsMatchRows,
            upgraded ? await UpgradeAsync(db) : null);
    }

    static async Task<string> UpgradeAsync(NpgsqlDataSource db)
    {
        await using var read = db.CreateCommand("""
            SELECT (SELECT count(*) FROM schema_migrations WHERE id = @migration),
                   EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'ledger_entries' AND column_name = @column)
            """);
        read.Parameters.AddWithValue("migration", NextVersion.Migration);
        read.Parameters.AddWithValue("column", NextVersion.Column);
        await using var reader = await read.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (applied, column) = (reader.GetInt64(0), reader.GetBoolean(1));
        return applied == 1 && column ? UpgradeHeld : $"MIGRATION {NextVersion.Migration} APPLIED {applied} TIMES, COLUMN {(column ? "PRESENT" : "MISSING")}";
    }
}