using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Platform.Database;

/// <summary>
/// A private PostgreSQL server run from the machine's own binaries, for single-node use and for tests.
/// It listens only on a Unix socket inside its own folder, so it never collides with another server's
/// TCP port and nobody but its owner (and root) can reach it.
/// </summary>
public sealed class LocalPostgres
{
    // The socket file is named after the port even when TCP is off; any number works in a private folder.
    const int SocketPort = 5432;
    const string ServerUser = "postgres";

    readonly string binDirectory;
    readonly bool runAsPostgresUser;
    readonly ILogger logger;

    LocalPostgres(string baseDirectory, string binDirectory, bool runAsPostgresUser, ILogger logger)
    {
        BaseDirectory = baseDirectory;
        this.binDirectory = binDirectory;
        this.runAsPostgresUser = runAsPostgresUser;
        this.logger = logger;
    }

    public string BaseDirectory { get; }
    public string DataDirectory => Path.Combine(BaseDirectory, "data");
    public string SocketDirectory => Path.Combine(BaseDirectory, "run");
    public string LogFile => Path.Combine(BaseDirectory, "postgres.log");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = SocketPort,
        Username = ServerUser,
        Database = database,
        MaxPoolSize = 200,
    }.ConnectionString;

    /// <summary>The default home of the single-node server's data: it survives restarts of the app.</summary>
    public static string DefaultBaseDirectory()
    {
        // Root's home is closed to the postgres user that the server must run as, so root keeps it in /var/lib.
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/lib/itschool/postgres";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(dataHome, "itschool", "postgres");
    }

    /// <summary>Initialises the cluster on first use, starts it unless it already runs, and creates <paramref name="database"/>.</summary>
    public static async Task<LocalPostgres> StartAsync(string baseDirectory, string database, ILogger logger,
        CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinaries() ?? throw new LocalPostgresUnavailableException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Install them (Debian/Ubuntu: sudo apt-get install postgresql) or point ItSchool at an existing server " +
            "with the connection string ConnectionStrings__ItSchool=\"Host=…;Username=…;Password=…;Database=itschool\".");

        var asPostgres = Environment.IsPrivilegedProcess;
        if (asPostgres && !await UserExistsAsync(ServerUser, cancellationToken))
        {
            throw new LocalPostgresUnavailableException(
                "PostgreSQL refuses to run as root, and there is no 'postgres' system user to run it as. " +
                "Create one (sudo adduser --system --group postgres), run ItSchool as an ordinary user, " +
                "or set ConnectionStrings__ItSchool to an existing server.");
        }

        var server = new LocalPostgres(Path.GetFullPath(baseDirectory), binDirectory, asPostgres, logger);
        await server.PrepareFoldersAsync(cancellationToken);
        if (!File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            await server.InitialiseAsync(cancellationToken);
        }
        if (await server.IsRunningAsync(cancellationToken))
        {
            logger.LogInformation("Reusing the PostgreSQL server already running in {DataDirectory}", server.DataDirectory);
        }
        else
        {
            await server.RunAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", server.DataDirectory, "-l", server.LogFile], cancellationToken);
        }
        await server.CreateDatabaseAsync(database, cancellationToken);
        return server;
    }

    public async Task StopAsync()
    {
        if (await IsRunningAsync(CancellationToken.None))
        {
            await RunAsync("pg_ctl", ["stop", "-w", "-m", "fast", "-D", DataDirectory], CancellationToken.None);
        }
    }

    public static string? FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(dir => File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb")))
            .Select(dir => Path.GetDirectoryName(ResolveLinks(Path.Combine(dir, "pg_ctl")))!);
        var packaged = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(dir => File.Exists(Path.Combine(dir, "pg_ctl")))
                .OrderByDescending(dir => int.TryParse(Path.GetFileName(Path.GetDirectoryName(dir)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        return candidates.Concat(packaged).FirstOrDefault();
    }

    static string ResolveLinks(string path) =>
        File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    async Task PrepareFoldersAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(BaseDirectory);
        Directory.CreateDirectory(SocketDirectory);
        if (runAsPostgresUser)
        {
            // The folders above it must be traversable by the postgres user (e.g. /var/lib/itschool).
            await RunPlainAsync("chown", ["-R", $"{ServerUser}:", BaseDirectory], cancellationToken);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(BaseDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Creating a PostgreSQL cluster in {DataDirectory}", DataDirectory);
        await RunAsync("initdb", ["-D", DataDirectory, "-U", ServerUser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"], cancellationToken);
        // Socket only: trust authentication is safe because the socket folder is private (mode 0700).
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # ItSchool local server
            listen_addresses = ''
            unix_socket_directories = '{SocketDirectory}'
            port = {SocketPort}
            max_connections = 300
            """, cancellationToken);
    }

    async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        var (exitCode, _) = await RunCoreAsync(Tool("pg_ctl"), ["status", "-D", DataDirectory], runAsPostgresUser, cancellationToken);
        return exitCode == 0;
    }

    async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        // A one-off admin connection: a pooled one could outlive a server stopped and started in this process.
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    string Tool(string name) => Path.Combine(binDirectory, name);

    async Task RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunCoreAsync(Tool(tool), arguments, runAsPostgresUser, cancellationToken);
        if (exitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "";
            throw new LocalPostgresUnavailableException($"{tool} {string.Join(' ', arguments)} failed ({exitCode}):\n{output}\n{log}");
        }
    }

    static async Task RunPlainAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunCoreAsync(tool, arguments, false, cancellationToken);
        if (exitCode != 0)
        {
            throw new LocalPostgresUnavailableException($"{tool} {string.Join(' ', arguments)} failed ({exitCode}): {output}");
        }
    }

    static async Task<bool> UserExistsAsync(string user, CancellationToken cancellationToken) =>
        (await RunCoreAsync("id", ["-u", user], false, cancellationToken)).ExitCode == 0;

    static async Task<(int ExitCode, string Output)> RunCoreAsync(string file, string[] arguments, bool asPostgres,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The server inherits the working directory; root's own may be closed to the postgres user.
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", ServerUser, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new LocalPostgresUnavailableException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}

public sealed class LocalPostgresUnavailableException(string message) : Exception(message);