using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Schools;

/// <summary>
/// The demo school's money as each feature seeds it once the cluster runs: wallets, the canteen's journal and the
/// bank key agree with one another, and seeding again doubles nothing.
/// </summary>
public sealed class DemoSeedTests(WebNode web) : IClassFixture<WebNode>
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

    static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}