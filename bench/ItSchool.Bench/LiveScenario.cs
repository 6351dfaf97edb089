using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.PointOfSale;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Live at scale: N parents' dashboards, each a SignalR connection over WebSockets signed in as that parent and
/// watching their child's purse, held by a second process (<see cref="LiveClients"/>) against one web node; then sales
/// over HTTP and top-ups through the purse at a steady rate to random watched pupils. For each write, the time from
/// its acknowledgement (the sale's 201, the credit's return) to its fragments at the watching page; at the end every
/// page must show its purse's last version; then some pages drop, miss writes, come back, and must catch up from the
/// version they last showed. Also the node's memory per connection and its CPU during the writes.
/// </summary>
public static class LiveScenario
{
    sealed record Write(int Page, long Version, long AckedAt, bool Measured);

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, string[] args)
    {
        var count = int.Parse(MeetingsScenario.Value(args, "--connections", "10000"));
        var rate = int.Parse(MeetingsScenario.Value(args, "--rate", "500"));
        var seconds = int.Parse(MeetingsScenario.Value(args, "--seconds", "20"));
        var warmUp = int.Parse(MeetingsScenario.Value(args, "--warmup", "15"));
        var app = await BenchNodes.StartWebAsync(connectionString);
        var work = Directory.CreateTempSubdirectory("itschool-live-");
        LiveClientProcess? clients = null;
        try
        {
            var address = BenchNodes.AddressOf(app);
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await BenchNodes.OpenTillsAsync(app);
            var pupils = await WalletScenario.CreatePupilsAsync(db, count);
            await PosScenario.GiveCardsAsync(db, pupils);
            var parents = await GuardiansAsync(db, pupils);
            var terminals = app.Services.GetRequiredService<Terminals>();
            var keys = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                keys.Add((await terminals.CreateAsync(DemoSchool.Id, $"Live {i}", TerminalKind.Canteen, 1)).Key);
            }

            // Each dashboard was rendered with its purse's version, which woke the purse: so does this, before the
            // node's memory is read, so that the difference is the connections' own.
            var plan = Path.Combine(work.FullName, "plan");
            var dashboards = new string[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            {
                var purse = await grains.GetGrain<IPurseGrain>(pupils[i]).GetPurseAsync();
                var cookie = await SessionCookieAsync(app, address, parents[i], new Pupil(pupils[i], DemoSchool.Id, "Bench", "Élève", "1A"));
                dashboards[i] = $"{PurseChanged.Topic(pupils[i])}\t{purse.Version}\t{cookie}";
            });
            await File.WriteAllLinesAsync(plan, dashboards);
            var activationsBefore = await ActivationsAsync(grains);
            var before = NodeMemory();
            var bare = await IdleAsync();
            Console.Error.WriteLine($"live: opening {count} connections");
            clients = LiveClientProcess.Start(address, plan);
            var opening = (await clients.AskAsync("ready"))[1];
            var after = NodeMemory();
            var activations = (await ActivationsAsync(grains)).Subtract(activationsBefore);
            var clientMemory = await clients.AskAsync("stats", "stats");
            var idle = await IdleAsync();

            // Writes at a steady rate, each to a random watched pupil: four sales over HTTP for one top-up through the purse.
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = address };
            var writes = new ConcurrentQueue<Write>();
            var refused = new ConcurrentQueue<string>();
            var random = new Random(21);
            var sequence = 0;
            async Task WriteAsync(int page, bool measured)
            {
                var n = Interlocked.Increment(ref sequence);
                try
                {
                    if (n % 5 == 0)
                    {
                        var credit = await grains.GetGrain<IPurseGrain>(pupils[page]).CreditAsync(new Credit($"bench/live/{n}", 1, 500,
                            MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));
                        var acked = Stopwatch.GetTimestamp();
                        if (!credit.Accepted)
                        {
                            refused.Enqueue($"top-up declined: {credit.Reason}");
                            return;
                        }
                        writes.Enqueue(new Write(page, credit.EntryIds.Max(), acked, measured));
                        return;
                    }
                    using var request = PosScenario.SaleRequest($"BENCH{page + 1:D8}", keys[n % keys.Count], $"live-{n}");
                    using var response = await http.SendAsync(request);
                    var answered = Stopwatch.GetTimestamp();
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        refused.Enqueue($"sale answered {(int)response.StatusCode}: {body}");
                        return;
                    }
                    writes.Enqueue(new Write(page, JsonDocument.Parse(body).RootElement.GetProperty("entryId").GetInt64(), answered, measured));
                }
                catch (Exception e)
                {
                    refused.Enqueue($"write failed: {e.Message}");
                }
            }
            async Task<double> SteadyAsync(int duration, bool measured)
            {
                var total = rate * duration;
                var started = 0;
                var running = new List<Task>(total);
                var clock = Stopwatch.StartNew();
                while (started < total)
                {
                    // Open loop: what is due is sent whether or not earlier writes were answered, as terminals do.
                    var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
                    for (; started < due; started++)
                    {
                        running.Add(WriteAsync(random.Next(count), measured));
                    }
                    await Task.Delay(2);
                }
                var sent = clock.Elapsed.TotalSeconds;
                await Task.WhenAll(running);
                return sent;
            }

            // The web stack's code is recompiled by the tiered JIT for many seconds on a busy machine (a third of the node's
            // CPU after 3 s of writes, a quarter after 8 s, in profiles): those writes count only for "lost".
            await SteadyAsync(warmUp, measured: false);
            var clientCpuBefore = double.Parse((await clients.AskAsync("stats", "stats"))[1], CultureInfo.InvariantCulture);
            Console.Error.WriteLine($"live: measuring for {seconds} s (web node: process {Environment.ProcessId})");
            var cpuBefore = Cpu.Read();
            var (pausedBefore, gen0Before, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(2));
            var elapsed = await SteadyAsync(seconds, measured: true);
            var cpu = Cpu.Read() - cpuBefore;
            var (paused, gen0, gen2) = (GC.GetTotalPauseDuration() - pausedBefore, GC.CollectionCount(0) - gen0Before, GC.CollectionCount(2) - gen2Before);
            var clientStats = await clients.AskAsync("stats", "stats");
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
            Console.Error.WriteLine("live: measured");
            ThrowIfRefused(refused);

            // No update lost: every page shows its purse's last version, as the ledger has it.
            var last = await LastVersionsAsync(db, pupils);
            var (missing, arrivals) = await HoldAsync(clients, work, count, Enumerable.Range(0, count).Select(i => (i, last[pupils[i]])));
            // Null when the write never reached its page (counted in missing).
            double? LatencyOf(Write write) =>
                arrivals[write.Page].FirstOrDefault(a => a.Version >= write.Version) is var (version, at) && version == 0
                    ? null
                    : Stopwatch.GetElapsedTime(write.AckedAt, at).TotalMilliseconds;
            var measuredLatencies = writes.Where(w => w.Measured).Select(LatencyOf).OfType<double>().ToList();
            var early = measuredLatencies.Count(ms => ms < 0);
            var latencies = measuredLatencies.Select(ms => Math.Max(0, ms)).ToList();
            var sorted = latencies.Order().ToArray();
            // Per second of the measured writes, for spotting periodic stalls (the node renews its live subscriptions every 20 s).
            var firstAck = writes.Where(w => w.Measured).Select(w => w.AckedAt).DefaultIfEmpty().Min();
            Console.Error.WriteLine("live: p99 by second of acknowledgement (ms): " + string.Join(" ", writes.Where(w => w.Measured)
                .Select(w => (Second: (int)Stopwatch.GetElapsedTime(firstAck, w.AckedAt).TotalSeconds, Ms: LatencyOf(w)))
                .Where(x => x.Ms is not null).GroupBy(x => x.Second).OrderBy(g => g.Key)
                .Select(g => MealsScenario.Percentile(g.Select(x => x.Ms!.Value).Order().ToArray(), 0.99).ToString("F0"))));
            var afterWrites = NodeMemory();

            // Reconnect: some pages drop, their pupils get a sale and a top-up each meanwhile, the pages come back.
            var droppedCount = Math.Max(1, Math.Min(100, count / 10));
            await clients.AskAsync("dropped", "drop " + droppedCount);
            for (var round = 0; round < 2; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, droppedCount).Select(page => WriteAsync(page, measured: false)));
            }
            ThrowIfRefused(refused);
            await clients.AskAsync("rejoined", "rejoin");
            last = await LastVersionsAsync(db, pupils);
            var (behind, after2) = await HoldAsync(clients, work, count, Enumerable.Range(0, droppedCount).Select(i => (i, last[pupils[i]])));
            var catchUps = Enumerable.Range(0, droppedCount).Select(i =>
            {
                var back = after2[i].Last(a => a.Version == -1).At;
                var caught = after2[i].FirstOrDefault(a => a.At > back && a.Version >= last[pupils[i]]).At;
                return caught == 0 ? double.NaN : Stopwatch.GetElapsedTime(back, caught).TotalMilliseconds;
            }).Where(ms => !double.IsNaN(ms)).Order().ToArray();

            var report = new StringBuilder();
            report.AppendLine($"live: {count} SignalR connections over WebSockets (each a different signed-in parent watching their child's purse, " +
                $"in a second process) to one web node; {rate} writes/s for {seconds} s (after {warmUp} s of warm-up) to random watched pupils, " +
                "4 sales over HTTP for 1 top-up through the purse");
            report.AppendLine();
            report.AppendLine($"opening the {count} connections (negotiate, WebSocket, Watch; 32 at a time): {opening} s");
            report.AppendLine($"web node memory per connection: {(after.Heap - before.Heap) / (double)count / 1024:F1} KiB of GC heap, " +
                $"{(after.WorkingSet - before.WorkingSet) / (double)count / 1024:F1} KiB of working set " +
                $"(heap {before.Heap / 1048576} → {after.Heap / 1048576} MiB, working set {before.WorkingSet / 1048576} → {after.WorkingSet / 1048576} MiB); " +
                $"client process: {long.Parse(clientMemory[2]) / (double)count / 1024:F1} KiB of working set per connection (its whole working set / N); " +
                $"grain activations added: {string.Join(", ", activations.Select(a => $"{a.Key} {a.Value}"))}");
            report.AppendLine($"web node GC heap after the writes, every page up to date: {afterWrites.Heap / 1048576} MiB " +
                $"({(afterWrites.Heap - after.Heap) / (double)writes.Count / 1024:F1} KiB more per write since the connections were opened)");
            report.AppendLine($"writes: {writes.Count(w => w.Measured)} measured in {elapsed:F1} s ({writes.Count(w => w.Measured) / elapsed:F0}/s)");
            report.AppendLine($"CPU with no writes ({idle.Wall:F1} s each): web node {bare.Node / bare.Wall:F2} cores before the connections, " +
                $"{idle.Node / idle.Wall:F2} cores with them open (whole machine {bare.Busy:P0}, {idle.Busy:P0} busy)");
            report.AppendLine($"CPU during the measured writes ({cpu.Wall:F1} s, {Environment.ProcessorCount} cores): web node {cpu.Node / cpu.Wall:F2} cores ({cpu.Node / cpu.Wall / Environment.ProcessorCount:P0} per core), " +
                $"clients {(double.Parse(clientStats[1], CultureInfo.InvariantCulture) - clientCpuBefore) / cpu.Wall:F2} cores, " +
                $"whole machine {cpu.Busy:P0} busy; load average {string.Join(' ', load)}; web node GC: {gen0} collections ({gen2} of generation 2), " +
                $"paused {paused.TotalMilliseconds:F0} ms ({paused.TotalSeconds / cpu.Wall:P1} of the time)");
            report.AppendLine($"acknowledged → fragments at the watching page: p50 {MealsScenario.Percentile(sorted, 0.5):F1} ms, " +
                $"p99 {MealsScenario.Percentile(sorted, 0.99):F1} ms, max {sorted.LastOrDefault():F1} ms " +
                $"({early} pushes arrived before their write's answer, counted as 0)");
            report.AppendLine($"pages not showing their purse's last version at the end (30 s at most): {missing.Missing}; connections closed by the node: {missing.Closed}");
            report.AppendLine($"reconnect: {droppedCount} pages dropped, 2 writes each while down, back with Watch(topic, last version seen): " +
                $"{droppedCount - behind.Missing} caught up, from reconnecting to the last version p50 {MealsScenario.Percentile(catchUps, 0.5):F0} ms, max {catchUps.LastOrDefault():F0} ms");
            if (missing.Missing > 0 || missing.Closed > 0 || behind.Missing > 0 || behind.Closed > 0)
            {
                throw new InvalidOperationException(report + "\nFAILED: updates lost (pages not showing their purse's last version).");
            }
            return report.ToString();
        }
        finally
        {
            if (clients is not null)
            {
                await clients.DisposeAsync();
            }
            await app.StopAsync();
            await app.DisposeAsync();
            work.Delete(recursive: true);
        }
    }

    static async Task<Dictionary<string, int>> ActivationsAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .GroupBy(s => s.GrainType.Split(',')[0].Split('.')[^1]).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));

    static Dictionary<string, int> Subtract(this Dictionary<string, int> after, Dictionary<string, int> before) =>
        after.Select(a => (a.Key, Value: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.Value != 0).ToDictionary(a => a.Key, a => a.Value);

    /// <summary>
    /// The node's CPU over one round of its live subscriptions' renewals, with nothing to say: with connections open,
    /// their keep-alive pings both ways and those renewals.
    /// </summary>
    static async Task<Cpu> IdleAsync()
    {
        var start = Cpu.Read();
        await Task.Delay(LiveTopicGrain.Lease / 3);
        return Cpu.Read() - start;
    }

    static void ThrowIfRefused(ConcurrentQueue<string> refused)
    {
        if (!refused.IsEmpty)
        {
            throw new InvalidOperationException($"FAILED: {refused.Count} writes refused, first: {refused.First()}");
        }
    }

    internal static async Task<((int Missing, int Closed), List<(long Version, long At)>[])> HoldAsync(
        LiveClientProcess clients, DirectoryInfo work, int pages, IEnumerable<(int Page, long Version)> expected)
    {
        var file = Path.Combine(work.FullName, $"hold-{Guid.NewGuid():N}");
        await File.WriteAllLinesAsync(file, expected.Select(e => $"{e.Page} {e.Version}"));
        var answer = await clients.AskAsync("held", "hold " + file);
        var arrivals = Enumerable.Range(0, pages).Select(_ => new List<(long Version, long At)>()).ToArray();
        foreach (var line in File.ReadLines(file + ".arrivals"))
        {
            var f = line.Split(' ');
            arrivals[int.Parse(f[0])].Add((long.Parse(f[1]), long.Parse(f[2])));
        }
        return ((int.Parse(answer[1]), int.Parse(answer[2])), arrivals);
    }

    /// <summary>Each pupil's purse version as the ledger has it: its last entry.</summary>
    static async Task<Dictionary<Guid, long>> LastVersionsAsync(NpgsqlDataSource db, Guid[] pupils)
    {
        await using var command = db.CreateCommand("SELECT pupil_id, max(id) FROM ledger_entries WHERE pupil_id = ANY(@pupils) GROUP BY pupil_id");
        command.Parameters.AddWithValue("pupils", pupils);
        await using var reader = await command.ExecuteReaderAsync();
        var last = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            last[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        return last;
    }

    /// <summary>A parent account for each pupil, without a password: the bench issues their sessions itself (see <see cref="SessionCookieAsync"/>).</summary>
    static async Task<UserAccount[]> GuardiansAsync(NpgsqlDataSource db, Guid[] pupils)
    {
        var parents = pupils.Select(_ => new UserAccount(Guid.CreateVersion7(), DemoSchool.Id, "", null, "Parent", "Bench", Role.Parent, Guid.NewGuid()))
            .Select(p => p with { UserName = $"bench-parent-{p.Id}" }).ToArray();
        await using var insert = db.CreateCommand("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role, session_stamp)
            SELECT p, @school, 'bench-parent-' || p::text, 'Parent', 'Bench', 'parent', s FROM unnest(@parents, @stamps) AS u (p, s);
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, p, c FROM unnest(@parents, @pupils) AS f (p, c);
            """);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("parents", parents.Select(p => p.Id).ToArray());
        insert.Parameters.AddWithValue("stamps", parents.Select(p => p.SessionStamp).ToArray());
        insert.Parameters.AddWithValue("pupils", pupils);
        await insert.ExecuteNonQueryAsync();
        return parents;
    }

    /// <summary>
    /// The session cookie the sign-in form would set for this parent in this child's account, issued by the node's own
    /// cookie handler (<see cref="Sessions.SignInAsync"/>): everything the form does but checking a slow password hash.
    /// </summary>
    static async Task<string> SessionCookieAsync(WebApplication app, Uri address, UserAccount parent, Pupil child)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Scheme = address.Scheme;
        context.Request.Host = new HostString(address.Authority);
        context.Request.PathBase = "/e/demo";
        await Sessions.SignInAsync(context, parent, child, persistent: false);
        return string.Join("; ", context.Response.Headers.SetCookie.Select(c => c!.Split(';')[0]));
    }

    /// <summary>The web node's memory after a full collection: its GC heap and its working set.</summary>
    static (long Heap, long WorkingSet) NodeMemory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(false), self.WorkingSet64);
    }

    /// <summary>This process's CPU time and the whole machine's busy share (/proc/stat), over a wall-clock interval.</summary>
    readonly record struct Cpu(double Wall, double Node, double Busy, long Total, long Idle)
    {
        public static Cpu Read()
        {
            using var self = Process.GetCurrentProcess();
            var jiffies = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            return new Cpu(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, self.TotalProcessorTime.TotalSeconds, 0, jiffies.Sum(), jiffies[3] + jiffies[4]);
        }

        public static Cpu operator -(Cpu end, Cpu start) =>
            new(end.Wall - start.Wall, end.Node - start.Node,
                1 - (end.Idle - start.Idle) / (double)Math.Max(1, end.Total - start.Total), end.Total - start.Total, end.Idle - start.Idle);
    }
}