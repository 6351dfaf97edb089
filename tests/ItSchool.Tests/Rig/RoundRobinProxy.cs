using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ItSchool.Tests.Rig;

/// <summary>
/// A load balancer as the simplest ones are: each new TCP connection goes to the next web node in turn (one that refuses
/// the connection is skipped), with no stickiness and no idea of HTTP. It notes which node each live-hub connection
/// reached, read from the request's first line, and any SignalR negotiation among the requests.
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Uri[] backends;
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;
    int next = -1;

    public RoundRobinProxy(params Uri[] backends)
    {
        this.backends = backends;
        Connections = new int[backends.Length];
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    public Uri DemoSchool => new(Address, "/e/demo/");

    /// <summary>The backend each connection to the live hub reached, in order.</summary>
    public ConcurrentQueue<int> HubConnections { get; } = new();

    /// <summary>SignalR negotiations seen in any request on any connection: a second request a balancer may send elsewhere.</summary>
    public int Negotiations => negotiations;

    int negotiations;

    /// <summary>How many connections each backend took.</summary>
    public int[] Connections { get; }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            for (var tries = 0; tries < backends.Length; tries++)
            {
                var index = (int)((uint)Interlocked.Increment(ref next) % backends.Length);
                using var backend = new TcpClient();
                try
                {
                    await backend.ConnectAsync(backends[index].Host, backends[index].Port, stop.Token);
                }
                catch (SocketException)
                {
                    continue;
                }
                Interlocked.Increment(ref Connections[index]);
                await PumpAsync(client.GetStream(), backend.GetStream(), index);
                return;
            }
        }
    }

    async Task PumpAsync(NetworkStream client, NetworkStream backend, int index)
    {
        var first = true;
        var upstream = Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await client.ReadAsync(buffer, stop.Token)) > 0)
            {
                if (first)
                {
                    first = false;
                    if (Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Contains("/hubs/live"))
                    {
                        HubConnections.Enqueue(index);
                    }
                }
                if (Encoding.ASCII.GetString(buffer, 0, read).Contains("/hubs/live/negotiate"))
                {
                    Interlocked.Increment(ref negotiations);
                }
                await backend.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
            backend.Socket.Shutdown(SocketShutdown.Send);
        });
        var downstream = backend.CopyToAsync(client, stop.Token);
        try
        {
            await Task.WhenAny(upstream, downstream);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        await accepting;
    }
}