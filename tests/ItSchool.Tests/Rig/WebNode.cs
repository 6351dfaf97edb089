using System.Net;
using System.Net.Sockets;
using ItSchool.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Rig;

/// <summary>
/// The real web app (with its in-process silo) listening on a free Kestrel port, on a test class's own
/// database — the same code path as <c>dotnet run --project src/Web</c>, demo school included. It sends
/// mail through SMTP to its own <see cref="Mail"/> sink and reads time from <see cref="Clock"/>.
/// </summary>
public class WebNode : IAsyncLifetime, IAsyncDisposable
{
    WebApplication? app;

    public string ConnectionString { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;
    public TestClock Clock { get; } = new();

    /// <summary>
    /// In memory, each node its own (the default: parallel tests never share a key ring); false for the
    /// production setting, the key ring in the database shared by every node on it.
    /// </summary>
    public bool UseEphemeralKeys { get; init; } = true;

    /// <summary>
    /// Demo mode (the default: the demo school, its keys and the sandbox provider, as the README's run
    /// command); false starts the node as production does, with <c>ItSchool:PublicUrl</c> its own address.
    /// </summary>
    public bool Demo { get; init; } = true;

    /// <summary>
    /// The certificate that encrypts the key ring, as production requires with an external database: by
    /// default the run's shared one, so that nodes on one database read each other's keys; null for none.
    /// </summary>
    public string? KeyCertificate { get; init; } = TestCertificates.Shared;

    /// <summary>
    /// Endpoints only a test has, mapped after the app's own (a handler that fails on purpose, say): production
    /// code never gets an endpoint for a test's sake.
    /// </summary>
    public Action<WebApplication>? TestEndpoints { get; init; }

    /// <summary>
    /// Services only a test has, registered after the app's own (a logger that keeps every line, an exporter that keeps
    /// every span): production code never gets a hook for a test's sake.
    /// </summary>
    public Action<WebApplicationBuilder>? TestServices { get; init; }

    /// <summary>Settings a kind of node always starts with, before those a test gives <see cref="StartAsync"/>.</summary>
    public string[] Arguments { get; init; } = [];

    /// <summary>Whether the node has an SMTP server (its <see cref="Mail"/> sink) or keeps mail in the outbox.</summary>
    protected virtual bool DeliversMail => true;
    public SmtpSink Mail { get; } = new();

    /// <summary>The demo school's root, reached through its path prefix.</summary>
    public Uri DemoSchool => new(BaseAddress, "/e/demo/");

    /// <summary>
    /// Starts on a database of its own: in demo mode a copy of one where a node has already seeded the demo school
    /// and its features (the same start, made once per run rather than once per class); in production mode an
    /// empty one, which the node migrates itself as a first start does.
    /// </summary>
    public async Task InitializeAsync()
    {
        var postgres = await TestPostgres.GetAsync();
        await StartAsync(Demo ? await postgres.CreateDatabaseAsync(await DemoTemplate.Value) : await postgres.CreateDatabaseAsync());
    }

    static readonly Lazy<Task<string>> DemoTemplate = new(CreateDemoTemplateAsync);

    static async Task<string> CreateDemoTemplateAsync()
    {
        var postgres = await TestPostgres.GetAsync();
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        // Without SMTP, as mail sent by the seeding node would otherwise miss every copy's own sink.
        await using (var seeding = new WithOutboxOnly())
        {
            await seeding.StartAsync(connectionString);
        }
        // The seeding node's silo left its (dead) entry: each copy's cluster starts with none, as a new one does.
        await using (var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        {
            await using var forget = db.CreateCommand("DELETE FROM orleans_membership");
            await forget.ExecuteNonQueryAsync();
        }
        return await postgres.FreezeAsTemplateAsync(connectionString);
    }

    /// <summary>Starts the node on the given database; <paramref name="arguments"/> are added to its command line.</summary>
    public async Task StartAsync(string connectionString, params string[] arguments)
    {
        // A free port is free when asked, not always when bound: another test's node may take it in between.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync(connectionString, arguments);
                return;
            }
            catch (Exception e) when (attempt < 3 && IsPortTaken(e))
            {
            }
        }
    }

    static bool IsPortTaken(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }
        return exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsPortTaken);
    }

    async Task StartOnceAsync(string connectionString, string[] arguments)
    {
        ConnectionString = connectionString;
        // In production the public address is required: the node's own, so that mail links lead back to it.
        var port = Demo ? 0 : FreePort();
        app = await ItSchoolApp.BuildAsync(
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--contentRoot", WebProjectDirectory(),
            "--applicationName", "ItSchool.Web",
            $"--ConnectionStrings:ItSchool={ConnectionString}",
            $"--Orleans:SiloPort={FreePort()}",
            $"--Orleans:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            // No test opens it, and it samples every grain each second on every node the run keeps alive.
            "--ItSchool:OrleansDashboard=false",
            // A node is not ready until its database and cluster answer (see Platform/Operations.cs): expected, not worth a line each poll.
            "--Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=None",
            $"--ItSchool:Smtp:Host={(DeliversMail ? "127.0.0.1" : "")}",
            "--ItSchool:RateLimits:SecretsPerMinute=10000",
            $"--ItSchool:Demo={Demo}",
            .. Demo ? Array.Empty<string>() : [$"--ItSchool:PublicUrl=http://127.0.0.1:{port}"],
            $"--ItSchool:Smtp:Port={Mail.Port}",
            .. KeyCertificate is null ? Array.Empty<string>() : [$"--ItSchool:DataProtection:Certificate:Path={KeyCertificate}"],
            .. Arguments,
            .. arguments,
        ], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            if (UseEphemeralKeys)
            {
                builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
            }
            TestServices?.Invoke(builder);
        });
        TestEndpoints?.Invoke(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A start refused by validation: nothing runs, and the test reads the exception.
            await app.DisposeAsync();
            app = null;
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
            // The Orleans ADO.NET providers open their connections through Npgsql's global pool for this
            // database, which keeps idle ones for minutes after the node is gone: over a whole run, the test
            // classes' dead nodes would hold the server's connection limit.
            using var pooled = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(pooled);
        }
        await Mail.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>A node configured like the single-node default: no SMTP server, mail waits in the outbox page.</summary>
    public sealed class WithOutboxOnly : WebNode
    {
        protected override bool DeliversMail => false;
    }

    /// <summary>A client that keeps cookies but does not follow redirects, so tests see them.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = BaseAddress,
        };

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string WebProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Web");
            if (File.Exists(Path.Combine(candidate, "ItSchool.Web.csproj")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Could not find src/Web above " + AppContext.BaseDirectory);
    }
}