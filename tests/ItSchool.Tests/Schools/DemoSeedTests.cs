using System.Text.RegularExpressions;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Schools;

/// <summary>
/// The demo school's money as each feature seeds it once the cluster runs: wallets, the canteen's journal and the
/// bank key agree with one another, the dashboard shows the history, and seeding again doubles nothing.
/// </summary>
public sealed partial class DemoSeedTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task After_a_fresh_demo_start_every_balance_is_the_sum_of_its_ledger_and_every_canteen_sale_is_in_the_journal()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        Assert.Equal(8L, await ScalarAsync<long>(db, "SELECT count(*) FROM purse_compartments WHERE school_id = @school"));
        Assert.Equal(0L, await ScalarAsync<long>(db, """
            SELECT count(*) FROM purse_compartments c
            WHERE c.school_id = @school AND c.balance_cents <> (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_entries l
                                                                WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment)
            """));
        // Each compartment's last entry carries the balance the purse holds.
        Assert.Equal(0L, await ScalarAsync<long>(db, """
            SELECT count(*) FROM purse_compartments c
            WHERE c.school_id = @school AND c.balance_cents <> (SELECT l.balance_after_cents FROM ledger_entries l
                WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1)
            """));

        var canteenSales = await ScalarAsync<long>(db, "SELECT count(*) FROM ledger_entries WHERE school_id = @school AND kind = 'sale'");
        Assert.True(canteenSales > 10, $"only {canteenSales} canteen sales in the demo's history");
        Assert.Equal(canteenSales, await ScalarAsync<long>(db, """
            SELECT count(*) FROM pos_sales s JOIN ledger_entries l ON l.id = s.ledger_entry_id
            WHERE s.school_id = @school AND s.status_code = 201 AND s.amount_cents = -l.amount_cents AND s.pupil_id = l.pupil_id
              AND (s.response->>'balanceCents')::bigint = l.balance_after_cents AND s.created_at = l.occurred_at
            """));
        Assert.Equal(canteenSales, await ScalarAsync<long>(db, "SELECT count(*) FROM pos_sales WHERE school_id = @school"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM manager_api_keys WHERE school_id = @school"));
        // The demo's history names its writer by a code; the words are the reader's.
        Assert.Equal(0L, await ScalarAsync<long>(db,
            "SELECT count(*) FROM ledger_entries WHERE school_id = @school AND caused_by_kind = 'import' AND caused_by_name IS NOT NULL"));
    }

    [Fact]
    public async Task The_dashboard_shows_the_childs_latest_operations_of_the_demo_history()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        await using var latest = db.CreateCommand("SELECT id FROM ledger_entries WHERE pupil_id = @pupil ORDER BY occurred_at DESC, id DESC LIMIT 10");
        latest.Parameters.AddWithValue("pupil", chloe);
        var expected = new List<string>();
        await using (var reader = await latest.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var dashboard = await marc.GetStringAsync("/e/demo/tableau-de-bord");

        Assert.Equal(10, expected.Count);
        Assert.Equal(expected, EntryRow().Matches(dashboard).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Seeding_every_feature_again_after_the_first_start_doubles_nothing()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        const string counts = """
            SELECT format('%s %s %s %s %s %s %s', (SELECT count(*) FROM ledger_entries), (SELECT sum(balance_cents) FROM purse_compartments),
                          (SELECT count(*) FROM pos_sales), (SELECT count(*) FROM pos_terminals), (SELECT count(*) FROM pos_articles),
                          (SELECT count(*) FROM pupil_cards), (SELECT count(*) FROM manager_api_keys))
            """;
        var before = await ScalarAsync<string>(db, counts);

        foreach (var feature in web.Services.GetRequiredService<Features>().All.Where(f => f.Module is SchoolModule.Wallets
                     or SchoolModule.PointOfSale or SchoolModule.BankStatements))
        {
            await feature.SeedDemoAsync(web.Services, CancellationToken.None);
        }

        Assert.Equal(before, await ScalarAsync<string>(db, counts));
    }

    [Fact]
    public async Task The_demo_history_written_before_codes_names_its_writer_by_the_code_and_other_rows_stay_as_written()
    {
        await using var db = NpgsqlDataSource.Create(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        await Migrations.ApplyAsync(db, NullLogger.Instance, through: "0065_bank_codes");
        await using (var seed = db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES ('00000000-0000-4000-8000-000000000001', 'ancienne', 'Ancienne');
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Chloé', 'Dubois', '1A');
            INSERT INTO wallet_compartments (school_id, compartment, name) VALUES ('00000000-0000-4000-8000-000000000001', 1, 'Portefeuille général');
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            VALUES ('00000000-0000-4000-8000-000000000002', 1, '00000000-0000-4000-8000-000000000001');
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject_code, subject_args,
                                        caused_by_kind, caused_by_id, caused_by_name, idempotency_key, occurred_at)
            SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 1, 100, 100 * e.n, 'bank_top_up',
                   'bank_top_up', '[]', e.kind, e.id, e.name, 'key-' || e.n, now()
            FROM unnest(@kinds, @ids, @names) WITH ORDINALITY AS e(kind, id, name, n);
            """))
        {
            seed.Parameters.AddWithValue("kinds", new[] { "import", "user", "import" });
            seed.Parameters.AddWithValue("ids", new string?[] { null, "u-1", "import-7" });
            seed.Parameters.AddWithValue("names", new[] { "Données de démonstration", "Données de démonstration", "Relevé CODA" });
            await seed.ExecuteNonQueryAsync();
        }

        await Migrations.ApplyAsync(db, NullLogger.Instance);

        await using var rows = db.CreateCommand(
            "SELECT string_agg(format('%s/%s/%s', caused_by_kind, caused_by_id, caused_by_name), ' ' ORDER BY idempotency_key) FROM ledger_entries");
        Assert.Equal("import/demo/ user/u-1/Données de démonstration import/import-7/Relevé CODA", (string)(await rows.ExecuteScalarAsync())!);
    }

    static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("""<tr data-entry="(\d+)">""")]
    private static partial Regex EntryRow();
}