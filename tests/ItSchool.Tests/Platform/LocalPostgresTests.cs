using ItSchool.Platform.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Platform;

public sealed class LocalPostgresTests
{
    [Fact]
    public async Task The_private_server_keeps_its_data_across_a_stop_and_a_start()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"itschool-restart-{Guid.NewGuid():N}"[..32]);
        try
        {
            var first = await LocalPostgres.StartAsync(directory, "itschool", NullLogger.Instance);
            await ExecuteAsync(first, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
            await first.StopAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => ExecuteAsync(first, "SELECT 1"));

            var second = await LocalPostgres.StartAsync(directory, "itschool", NullLogger.Instance);
            try
            {
                await using var connection = new NpgsqlConnection(Unpooled(second));
                await connection.OpenAsync();
                await using var read = new NpgsqlCommand("SELECT note FROM kept", connection);
                Assert.Equal("still here", await read.ExecuteScalarAsync());
            }
            finally
            {
                await second.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // A pooled connection would outlive the first server and fail against the second one.
    static string Unpooled(LocalPostgres server) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString("itschool")) { Pooling = false }.ConnectionString;

    static async Task ExecuteAsync(LocalPostgres server, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(server));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}