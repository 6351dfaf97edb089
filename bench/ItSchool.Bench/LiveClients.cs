using System.Diagnostics;

namespace ItSchool.Bench;

/// <summary>
/// The browsers of the live scenario, in a process of their own (`ItSchool.Bench live-clients address plan`), so that
/// the web node's memory and CPU are measured without theirs. Each line of the plan is one parent's dashboard: the
/// child's purse topic, the version the page was rendered with, and the session cookie. The scenario drives this
/// process by lines on its standard input and reads one answer line per command on its standard output.
/// </summary>
public static class LiveClients
{
    public const string Command = "live-clients";

    sealed class Dashboard(string topic, long version, string cookie)
    {
        public string Topic { get; } = topic;
        public string Cookie { get; } = cookie;
        public LiveSocket? Connection { get; set; }
        // Every version of the purse this page was sent, with its arrival; the first is the one it was rendered with.
        public List<(long Version, long At)> Held { get; } = [(version, 0)];

        public long Shown
        {
            get
            {
                lock (Held)
                {
                    return Held.Max(h => h.Version);
                }
            }
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var hub = new Uri(new Uri(args[1]), "/e/demo/hubs/live");
        var dashboards = File.ReadLines(args[2]).Select(line => line.Split('\t'))
            .Select(f => new Dashboard(f[0], long.Parse(f[1]), f[2])).ToArray();
        var unexpectedlyClosed = 0;

        async Task OpenAsync(Dashboard dashboard, bool back)
        {
            if (back)
            {
                // The moment this page comes back, marked with version -1 among its arrivals.
                lock (dashboard.Held)
                {
                    dashboard.Held.Add((-1, Stopwatch.GetTimestamp()));
                }
            }
            var connection = await LiveSocket.OpenAsync(hub, dashboard.Cookie, (topic, version, fragments) =>
            {
                // Only fragments count: a message without them would leave the page's balances as they were.
                if (topic == dashboard.Topic && fragments)
                {
                    var at = Stopwatch.GetTimestamp();
                    lock (dashboard.Held)
                    {
                        dashboard.Held.Add((version, at));
                    }
                }
            });
            connection.Closed += () =>
            {
                if (dashboard.Connection == connection)
                {
                    Interlocked.Increment(ref unexpectedlyClosed);
                }
            };
            dashboard.Connection = connection;
            // As the page does (site.js): the version it shows, so that what changed meanwhile comes at once.
            if (!await connection.WatchAsync(dashboard.Topic, dashboard.Shown))
            {
                throw new InvalidOperationException($"The hub refused to let a parent watch {dashboard.Topic}.");
            }
        }

        async Task OpenAllAsync(IEnumerable<Dashboard> some, bool back)
        {
            using var gate = new SemaphoreSlim(32);
            await Task.WhenAll(some.Select(async d =>
            {
                await gate.WaitAsync();
                try
                {
                    await OpenAsync(d, back);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        try
        {
            var opening = Stopwatch.StartNew();
            await OpenAllAsync(dashboards, back: false);
            using var pings = new Timer(_ =>
            {
                foreach (var dashboard in dashboards)
                {
                    dashboard.Connection?.PingAsync().ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                }
            }, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            Console.WriteLine($"ready {opening.Elapsed.TotalSeconds:F1}");
            var dropped = Array.Empty<Dashboard>();
            while (Console.ReadLine() is { } line)
            {
                var words = line.Split(' ');
                switch (words[0])
                {
                    case "hold":
                        // hold FILE: lines "index version"; waits (bounded) until each of those pages shows that version or a newer
                        // one, then writes every page's arrivals to FILE.arrivals and answers how many do not.
                        var expected = File.ReadLines(words[1]).Select(l => l.Split(' ')).Select(f => (Index: int.Parse(f[0]), Version: long.Parse(f[1]))).ToList();
                        var deadline = Stopwatch.StartNew();
                        while (expected.Any(e => dashboards[e.Index].Shown < e.Version) && deadline.Elapsed < TimeSpan.FromSeconds(30))
                        {
                            await Task.Delay(20);
                        }
                        var missing = expected.Count(e => dashboards[e.Index].Shown < e.Version);
                        await using (var arrivals = new StreamWriter(words[1] + ".arrivals"))
                        {
                            for (var i = 0; i < dashboards.Length; i++)
                            {
                                List<(long Version, long At)> held;
                                lock (dashboards[i].Held)
                                {
                                    held = dashboards[i].Held.Where(h => h.At != 0).ToList();
                                }
                                foreach (var (version, at) in held)
                                {
                                    await arrivals.WriteLineAsync($"{i} {version} {at}");
                                }
                            }
                        }
                        Console.WriteLine($"held {missing} {Volatile.Read(ref unexpectedlyClosed)}");
                        break;
                    case "drop":
                        // drop K: the first K pages lose their connection (a phone going into a tunnel).
                        dropped = dashboards.Take(int.Parse(words[1])).ToArray();
                        foreach (var dashboard in dropped)
                        {
                            var connection = dashboard.Connection!;
                            dashboard.Connection = null;
                            await connection.DisposeAsync();
                        }
                        Console.WriteLine("dropped");
                        break;
                    case "rejoin":
                        // The dropped pages connect again and watch from the version they show.
                        await OpenAllAsync(dropped, back: true);
                        Console.WriteLine("rejoined");
                        break;
                    case "stats":
                        using (var self = Process.GetCurrentProcess())
                        {
                            Console.WriteLine(FormattableString.Invariant($"stats {self.TotalProcessorTime.TotalSeconds:F3} {self.WorkingSet64} {GC.GetTotalMemory(false)}"));
                        }
                        break;
                    default:
                        Console.WriteLine($"error unknown command {line}");
                        break;
                }
            }
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"error {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
        finally
        {
            foreach (var dashboard in dashboards)
            {
                if (dashboard.Connection is { } connection)
                {
                    dashboard.Connection = null;
                    await connection.DisposeAsync();
                }
            }
        }
    }
}

/// <summary>The scenario's handle on the <see cref="LiveClients"/> process: one command line in, one answer line out.</summary>
public sealed class LiveClientProcess : IAsyncDisposable
{
    readonly Process process;

    LiveClientProcess(Process process) => this.process = process;

    public static LiveClientProcess Start(Uri address, string plan)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true };
        // Started as `dotnet ItSchool.Bench.dll`: the host needs the assembly again.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LiveClients).Assembly.Location);
        }
        start.ArgumentList.Add(LiveClients.Command);
        start.ArgumentList.Add(address.ToString());
        start.ArgumentList.Add(plan);
        return new LiveClientProcess(Process.Start(start)!);
    }

    /// <summary>Sends the command (if any) and returns the answer line, whose first word is <paramref name="answer"/>.</summary>
    public async Task<string[]> AskAsync(string answer, string? command = null)
    {
        if (command is not null)
        {
            await process.StandardInput.WriteLineAsync(command);
            await process.StandardInput.FlushAsync();
        }
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(answer + " ") || line == answer)
            {
                return line.Split(' ');
            }
            if (line.StartsWith("error"))
            {
                throw new InvalidOperationException($"FAILED: the clients' process says: {line}");
            }
        }
        throw new InvalidOperationException($"FAILED: the clients' process ended (exit code {(process.WaitForExit(5000) ? process.ExitCode : -1)}).");
    }

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }
        process.Dispose();
    }
}