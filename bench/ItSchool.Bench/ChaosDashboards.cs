using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Parents' dashboards, each watching its child's wallet on the live hub of the first web node. When that node dies,
/// each page's connection closes and the page does what site.js does: it connects again (here, to whichever node the
/// balancer still reaches) and watches from the last version it showed, so it catches up with what it missed.
/// </summary>
sealed class ChaosDashboards(NodeProcess[] webs) : IAsyncDisposable
{
    sealed class Page(string topic, string cookie)
    {
        public string Topic { get; } = topic;
        public string Cookie { get; } = cookie;
        public long Version;
        public LiveSocket? Socket;
    }

    readonly List<Page> pages = [];
    readonly CancellationTokenSource stop = new();
    Task pinging = Task.CompletedTask;

    /// <summary>Seconds from a connection's close to its Watch being accepted again, one per reconnection.</summary>
    public ConcurrentBag<double> Reconnections { get; } = [];

    public async Task OpenAsync(IReadOnlyList<(string Topic, string Cookie)> watched)
    {
        foreach (var (topic, cookie) in watched)
        {
            var page = new Page(topic, cookie);
            pages.Add(page);
            await ConnectAsync(page, 0);
        }
        pinging = Task.Run(PingAsync);
    }

    async Task ConnectAsync(Page page, int node)
    {
        var socket = await LiveSocket.OpenAsync(new Uri(webs[node].Address, "/e/demo/hubs/live"), page.Cookie,
            (topic, version, _) => InterlockedMax(ref page.Version, version));
        try
        {
            if (!await socket.WatchAsync(page.Topic, Interlocked.Read(ref page.Version)))
            {
                throw new InvalidOperationException($"The hub refused to let a parent watch {page.Topic}.");
            }
        }
        catch
        {
            // As site.js does after a failed watch: this connection is given up, and the caller starts again later.
            await socket.DisposeAsync();
            throw;
        }
        socket.Closed += () => _ = ReconnectAsync(page, node);
        page.Socket = socket;
        if (socket.HasClosed)
        {
            _ = ReconnectAsync(page, node);
        }
    }

    async Task ReconnectAsync(Page page, int lost)
    {
        var closed = Stopwatch.StartNew();
        for (var attempt = 1; !stop.IsCancellationRequested; attempt++)
        {
            // site.js waits a little longer after each failure; the other node first, as a balancer would send it there.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt)));
            var node = (lost + attempt) % webs.Length;
            if (!webs[node].Running)
            {
                continue;
            }
            try
            {
                await ConnectAsync(page, node);
                Reconnections.Add(closed.Elapsed.TotalSeconds);
                return;
            }
            catch (Exception)
            {
                // Whatever failed (node dying, PostgreSQL restarting under the catch-up), a page keeps trying while it is open.
            }
        }
    }

    async Task PingAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), stop.Token).ContinueWith(_ => { });
            foreach (var page in pages)
            {
                try
                {
                    await (page.Socket?.PingAsync() ?? Task.CompletedTask);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Waits until every page shows its wallet's last version as the ledger has it (its last entry's id); the pages
    /// still behind after <paramref name="within"/>.
    /// </summary>
    public async Task<int> BehindAsync(NpgsqlDataSource db, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var behind = 0;
            foreach (var page in pages)
            {
                await using var last = db.CreateCommand("SELECT coalesce(max(id), 0) FROM ledger_entries WHERE pupil_id = @pupil");
                last.Parameters.AddWithValue("pupil", Guid.Parse(page.Topic.Split(':')[1]));
                if (Interlocked.Read(ref page.Version) < (long)(await last.ExecuteScalarAsync())!)
                {
                    behind++;
                }
            }
            if (behind == 0 || deadline.Elapsed > within)
            {
                return behind;
            }
            await Task.Delay(500);
        }
    }

    static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await pinging;
        foreach (var page in pages)
        {
            await (page.Socket?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }
}