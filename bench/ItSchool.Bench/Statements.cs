using System.Text;
using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// <c>--statements</c>: which statements PostgreSQL spent its time on during a measured phase (pg_stat_statements, loaded
/// into the throwaway server by a restart), to see where a scenario's database time goes.
/// </summary>
public static class Statements
{
    public static bool Enabled { get; private set; }

    public static async Task<LocalPostgres> LoadAsync(LocalPostgres server, string directory, string connectionString)
    {
        await using (var connection = new NpgsqlConnection(connectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var set = new NpgsqlCommand("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'", connection);
            await set.ExecuteNonQueryAsync();
        }
        await server.StopAsync();
        var restarted = await LocalPostgres.StartAsync(directory, "bench", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using (var connection = new NpgsqlConnection(connectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await create.ExecuteNonQueryAsync();
        }
        Enabled = true;
        return restarted;
    }

    public static async Task ResetAsync(NpgsqlDataSource db)
    {
        if (Enabled)
        {
            await using var reset = db.CreateCommand("SELECT pg_stat_statements_reset()");
            await reset.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The statements that took most of the server's time since the reset, as a markdown table on standard error.</summary>
    public static async Task ReportAsync(NpgsqlDataSource db, string phase, int top = 12)
    {
        if (!Enabled)
        {
            return;
        }
        await using var command = db.CreateCommand("""
            SELECT calls, total_exec_time, mean_exec_time, rows, regexp_replace(left(query, 160), '\s+', ' ', 'g')
            FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT @top
            """);
        command.Parameters.AddWithValue("top", top);
        var report = new StringBuilder($"\nPostgreSQL time during {phase}:\n\n| calls | total ms | mean ms | rows | statement |\n|---:|---:|---:|---:|---|\n");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            report.AppendLine($"| {reader.GetInt64(0)} | {reader.GetDouble(1):F0} | {reader.GetDouble(2):F3} | {reader.GetInt64(3)} | `{reader.GetString(4).Replace("|", "\\|")}` |");
        }
        Console.Error.WriteLine(report);
    }
}