using ItSchool.Platform.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Rig;

/// <summary>
/// One throwaway PostgreSQL server per test run, started from the machine's own binaries (or the server
/// named by ITSCHOOL_TEST_PG); each test class then takes a database of its own from it.
/// </summary>
public sealed class TestPostgres
{
    public const string ExternalServerVariable = "ITSCHOOL_TEST_PG";

    static readonly Lazy<Task<TestPostgres>> Shared = new(StartAsync);
    static int databaseCounter;

    readonly string adminConnectionString;

    TestPostgres(string adminConnectionString) => this.adminConnectionString = adminConnectionString;

    public static Task<TestPostgres> GetAsync() => Shared.Value;

    /// <summary>A new, blank database (no migrations applied), and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"itschool_test_{Environment.ProcessId}_{Interlocked.Increment(ref databaseCounter)}";
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync();
        }
        // Every test class has its own database and so its own pools, which would otherwise keep their idle
        // connections for five minutes after the class is done: the server's connection limit is shared.
        return new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = name,
            ConnectionIdleLifetime = 15,
            ConnectionPruningInterval = 5,
        }.ConnectionString;
    }

    static async Task<TestPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestPostgres(external);
        }

        var directory = Path.Combine(Path.GetTempPath(), $"itschool-test-{Guid.NewGuid():N}"[..30]);
        LocalPostgres server;
        try
        {
            server = await LocalPostgres.StartAsync(directory, "postgres", NullLogger.Instance);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "The tests need a PostgreSQL server and could not start one from the local binaries. Install the " +
                $"server (Debian: apt-get install -y postgresql) or set {ExternalServerVariable} to a connection string " +
                $"of a server where the user may create databases.\n{e.Message}", e);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.StopAsync().GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        };
        return new TestPostgres(server.ConnectionString("postgres"));
    }
}