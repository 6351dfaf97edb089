using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Web;

/// <summary>
/// The node reaches PostgreSQL through a relay on a port of its own: closing the relay (and every
/// connection through it) is the database going away for that node alone, as a crashed server or a cut
/// network would; opening it again on the same port is the database coming back.
/// </summary>
public sealed class UnavailableDatabaseTests : IAsyncLifetime
{
    readonly WebNode web = new();
    DatabaseRelay relay = null!;

    public async Task InitializeAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        relay = new DatabaseRelay(database.Host!, database.Port);
        relay.Open();
        database.Host = "127.0.0.1";
        database.Port = relay.Port;
        await web.StartAsync(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        relay.Open();
        await web.DisposeAsync();
        relay.Close();
    }

    [Fact]
    public async Task While_PostgreSQL_is_away_pages_and_APIs_say_so_and_health_live_stays_up()
    {
        var cookies = new CookieContainer();
        using var marc = await SignedIn.AsAsync(web, "marc.dubois", cookies: cookies);
        Assert.Equal(HttpStatusCode.OK, (await marc.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoPos.CanteenKey);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504")).StatusCode);

        relay.Close();

        using var anyone = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync("/css/site.css")).StatusCode);

        var page = await marc.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), page.Headers.RetryAfter?.Delta);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Service momentanément indisponible", html);
        Assert.Contains("href=\"/css/site.css\"", html);

        var api = await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), api.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("database_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());

        // A page whose school is looked up afresh (an unknown host) answers the same page, not a 500.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "ecole-inconnue.example" } };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anyone.SendAsync(request)).StatusCode);

        relay.Open();

        await Eventually.TrueAsync(async () => (await marc.GetAsync("/e/demo/tableau-de-bord")).StatusCode == HttpStatusCode.OK);
        Assert.Contains("Bienvenue, Marc (Chloé)", await marc.GetStringAsync("/e/demo/tableau-de-bord"));
        await Eventually.TrueAsync(async () => (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504")).StatusCode == HttpStatusCode.OK);
    }

    /// <summary>A TCP relay from a local port to PostgreSQL; closing it refuses new connections and cuts the open ones.</summary>
    sealed class DatabaseRelay(string host, int port)
    {
        readonly List<TcpClient> connections = [];
        readonly List<Socket> servers = [];
        TcpListener? listener;
        CancellationTokenSource? stop;

        public int Port { get; private set; }

        public void Open()
        {
            if (listener is not null)
            {
                return;
            }
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            stop = new CancellationTokenSource();
            _ = AcceptAsync(listener, stop.Token);
        }

        public void Close()
        {
            stop?.Cancel();
            listener?.Stop();
            listener = null;
            lock (connections)
            {
                foreach (var connection in connections)
                {
                    // A reset, not a polite close: the database is gone, not saying goodbye.
                    connection.Client?.LingerState = new LingerOption(true, 0);
                    connection.Dispose();
                }
                connections.Clear();
                foreach (var server in servers)
                {
                    server.Dispose();
                }
                servers.Clear();
            }
        }

        async Task AcceptAsync(TcpListener listening, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listening.AcceptTcpClientAsync(cancellationToken);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = RelayAsync(client, cancellationToken);
            }
        }

        async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
        {
            // The test server listens on a Unix socket only (Npgsql's Host is then its directory).
            var (endPoint, family) = host.StartsWith('/')
                ? ((EndPoint)new UnixDomainSocketEndPoint(Path.Combine(host, $".s.PGSQL.{port}")), AddressFamily.Unix)
                : (new DnsEndPoint(host, port), AddressFamily.InterNetwork);
            var server = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            lock (connections)
            {
                connections.Add(client);
                servers.Add(server);
            }
            try
            {
                await server.ConnectAsync(endPoint, cancellationToken);
                await using var serverStream = new NetworkStream(server, ownsSocket: false);
                await Task.WhenAny(
                    client.GetStream().CopyToAsync(serverStream, cancellationToken),
                    serverStream.CopyToAsync(client.GetStream(), cancellationToken));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                client.Dispose();
                server.Dispose();
            }
        }
    }
}