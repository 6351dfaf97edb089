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
    readonly Lazy<Task<string>> migratedTemplate;

    TestPostgres(string adminConnectionString)
    {
        this.adminConnectionString = adminConnectionString;
        migratedTemplate = new(CreateMigratedTemplateAsync);
    }

    public static Task<TestPostgres> GetAsync() => Shared.Value;

    /// <summary>A new, blank database (no migrations applied), and its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateDatabaseAsync("template0");

    /// <summary>
    /// A new database with every migration applied and no data, and its connection string: copied from a template
    /// migrated once per run, so that a class's database or a node's start does not replay every migration file.
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync() => await CreateDatabaseAsync(await migratedTemplate.Value);

    async Task<string> CreateMigratedTemplateAsync()
    {
        var template = new NpgsqlConnectionStringBuilder(await CreateDatabaseAsync()) { Pooling = false };
        await using (var db = NpgsqlDataSource.Create(template.ConnectionString))
        {
            await Migrations.ApplyAsync(db, NullLogger.Instance);
        }
        // A template must have no session while it is copied: unpooled, every connection above is closed by now.
        return template.Database!;
    }

    /// <summary>
    /// Makes <paramref name="connectionString"/>'s database a template: its sessions (pools a stopped node left idle)
    /// are ended and no new one is let in, since PostgreSQL copies a database only while nobody is connected to it.
    /// </summary>
    public async Task<string> FreezeAsTemplateAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var close = new NpgsqlCommand($"""
            ALTER DATABASE {name} ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';
            """, connection);
        await close.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>A new database copied from <paramref name="template"/>, which no session may be connected to.</summary>
    public async Task<string> CreateDatabaseAsync(string template)
    {
        var name = $"itschool_test_{Environment.ProcessId}_{Interlocked.Increment(ref databaseCounter)}";
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {template}", connection);
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

    /// <summary>
    /// Removes the clusters of earlier runs whose server is gone: the test host is ended soon after its last test, often
    /// before its exit handler has deleted its cluster (hundreds of megabytes to gigabytes each, run after run). A
    /// cluster whose server still runs, or touched in the last ten minutes (another run's, still starting), is left.
    /// </summary>
    static void SweepStaleClusters()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "itschool-test-*"))
        {
            try
            {
                var touched = new[] { directory, Path.Combine(directory, "data"), Path.Combine(directory, "postgres.log") }
                    .Where(Path.Exists).Max(path => File.GetLastWriteTimeUtc(path));
                if (DateTime.UtcNow - touched < TimeSpan.FromMinutes(10) || ServerRuns(Path.Combine(directory, "data", "postmaster.pid")))
                {
                    continue;
                }
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run's, or half deleted by it: left for the next sweep.
            }
        }
    }

    static bool ServerRuns(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            return false;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    static async Task<TestPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new TestPostgres(external);
        }

        SweepStaleClusters();
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
        // A throwaway server lives as long as the run: waiting for the disk at each commit buys nothing a test
        // checks (no test crashes this server), and costs every test on a shared machine's disk.
        await using (var connection = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            foreach (var setting in (string[])["fsync = off", "synchronous_commit = off", "full_page_writes = off"])
            {
                await using var alter = new NpgsqlCommand($"ALTER SYSTEM SET {setting}", connection);
                await alter.ExecuteNonQueryAsync();
            }
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync();
        }
        return new TestPostgres(server.ConnectionString("postgres"));
    }
}