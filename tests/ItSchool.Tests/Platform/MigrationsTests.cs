using ItSchool.Platform.Database;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Platform;

public sealed class MigrationsTests
{
    [Fact]
    public async Task Two_processes_migrating_at_once_apply_each_migration_exactly_once()
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);

        var results = await Task.WhenAll(
            Migrations.ApplyAsync(first, NullLogger.Instance),
            Migrations.ApplyAsync(second, NullLogger.Instance));

        var all = Migrations.Embedded.Select(m => m.Id).ToList();
        Assert.Equal(all.Order(), results.SelectMany(r => r).Order());
        await using var count = first.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)all.Count, await count.ExecuteScalarAsync());
        Assert.Empty(await Migrations.ApplyAsync(first, NullLogger.Instance));
    }

    [Fact]
    public async Task A_migration_edited_after_it_ran_stops_the_start()
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(connectionString);
        await Migrations.ApplyAsync(db, NullLogger.Instance);
        await using (var tamper = db.CreateCommand("UPDATE schema_migrations SET checksum = 'edited' WHERE id = '0005_schools'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrations.ApplyAsync(db, NullLogger.Instance));
        Assert.Contains("0005_schools", error.Message);
    }
}