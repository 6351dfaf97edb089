using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Platform;

/// <summary>The append-only tables refuse TRUNCATE as they refuse DELETE: row triggers alone never see it.</summary>
public sealed class AppendOnlyTruncateTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Theory]
    [InlineData("ledger_entries")]
    [InlineData("invoice_movements")]
    [InlineData("invoices")]
    [InlineData("invoice_lines")]
    public async Task Truncate_is_refused_and_removes_nothing(string table)
    {
        await DemoData.SeedAsync(database.Db);
        var before = await database.ScalarAsync<long>($"SELECT count(*) FROM {table}");

        var error = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var truncate = database.Db.CreateCommand($"TRUNCATE {table} CASCADE");
            await truncate.ExecuteNonQueryAsync();
        });

        Assert.Contains(table == "invoices" || table == "invoice_lines" ? "never deleted" : "append-only", error.MessageText);
        Assert.Equal(before, await database.ScalarAsync<long>($"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task Truncating_the_schools_cascade_stops_at_the_ledger()
    {
        await DemoData.SeedAsync(database.Db);
        var entries = await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");
        Assert.True(entries > 0);

        await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var truncate = database.Db.CreateCommand("TRUNCATE schools CASCADE");
            await truncate.ExecuteNonQueryAsync();
        });

        Assert.Equal(entries, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM schools"));
    }
}