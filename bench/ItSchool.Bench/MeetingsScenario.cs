using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Opening night: K parents, and K browser-like SignalR connections signed in as the school's manager, each
/// watching one teacher's grid (the staff view, with the families' names: the heaviest fragment), all book at the same moment across T teachers of 20
/// slots, then every parent who got a slot drags it to another one. Bookings go through the parent's agenda
/// grain in the web node's silo (what the booking endpoint calls); latency is from the call to its answer.
/// Push latency is from a change's answer to the moment the last watcher of that grid holds that version.
/// </summary>
public static partial class MeetingsScenario
{
    // Parents aim at the first 20 slots; the last 4 stay free at first, for the moves.
    internal const int Slots = 24;
    const int Wanted = 20;
    const int WarmUpTeachers = 10;
    const int MinWarmUps = 8;
    // Methods compiled during a warm-up round below which the node is taken as warm.
    const int SettledJit = 40;

    sealed record Evening(Guid Id, Guid[] Teachers, IReadOnlyList<(Guid Parent, Guid Pupil)> Families, int FirstWatcher, int Watchers);

    sealed record Round(int Requests, int Booked, int Accepted, double BookingSeconds, double TotalSeconds, double[] BookingLatencies,
        double[] Latencies, double[] Pushes, int Missing, int Behind, int Closed, int Grids, long Doubles, bool RowsMatch, Cpu Cpu);

    /// <summary>CPU seconds of the web node, the watchers' process and PostgreSQL from the rush's start until every watcher held the last grid.</summary>
    sealed record Cpu(double Wall, double Node, double Clients, double Postgres)
    {
        public Cpu Minus(Cpu before, double wall) => new(wall, Node - before.Node, Clients - before.Clients, Postgres - before.Postgres);
    }

    static async Task<Cpu> CpuAsync(LiveClientProcess clients)
    {
        var watchers = double.Parse((await clients.AskAsync("stats", "stats"))[1], System.Globalization.CultureInfo.InvariantCulture);
        using var self = Process.GetCurrentProcess();
        // utime and stime of every PostgreSQL process, in clock ticks (100 a second on Linux).
        var postgres = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (stat.Contains("(postgres)"))
                {
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    postgres += long.Parse(fields[11]) + long.Parse(fields[12]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile.
            }
        }
        return new Cpu(0, self.TotalProcessorTime.TotalSeconds, watchers, postgres / 100.0);
    }

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options, string[] args)
    {
        var parents = int.Parse(Value(args, "--parents", "500"));
        var teachers = int.Parse(Value(args, "--teachers", "1"));
        var watching = int.Parse(Value(args, "--watchers", parents.ToString()));
        var warmUps = int.Parse(Value(args, "--warmup-rounds", "24"));
        var rounds = int.Parse(Value(args, "--rounds", "3"));
        var app = await BenchNodes.StartWebAsync(connectionString, "--ItSchool:RateLimits:SecretsPerMinute=100000");
        var work = Directory.CreateTempSubdirectory("itschool-meetings-");
        LiveClientProcess? clients = null;
        try
        {
            var address = BenchNodes.AddressOf(app);
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meetings);
            var evenings = new List<Evening>();
            var firstWatcher = 0;
            for (var i = 0; i < warmUps + rounds; i++)
            {
                // Warm-up evenings spread the same parents and watchers over ten teachers: ten times the changes per round, so the
                // relay's code reaches the JIT's optimised tiers in a few rounds (it takes some sixty calls of a method).
                var (id, teacherIds, families) = await SetUpAsync(db, parents, i < warmUps ? WarmUpTeachers : teachers);
                var watchers = i < warmUps ? Math.Max(WarmUpTeachers, watching / 5) : watching;
                evenings.Add(new Evening(id, teacherIds, families, firstWatcher, watchers));
                firstWatcher += watchers;
            }
            // As autovacuum would have done long before opening night: without statistics on the thousands of rows just
            // inserted, the planner sized the household query's recursive union for half a million rows, and zeroing
            // that hash table at each booking was half of PostgreSQL's time in the rush.
            await using (var analyze = db.CreateCommand("ANALYZE"))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            // The watchers' browsers run in a process of their own (as in `live`): 500 clients parsing every grid in the
            // node's process made its garbage collector and JSON the largest part of what the push was measured to cost.
            // Every evening's watchers connect at the start; an evening's grids are watched only during its round.
            var (cookies, _) = await SignInAsync(address);
            var cookie = cookies.GetCookieHeader(new Uri(address, "/e/demo/"));
            var topics = evenings.SelectMany(e => Enumerable.Range(0, e.Watchers).Select(i => e.Teachers[i % e.Teachers.Length]).Select(t => (e, t))).ToArray();
            var plan = Path.Combine(work.FullName, "plan");
            await File.WriteAllLinesAsync(plan, topics.Select(x => $"{TimetableChanged.Topic(x.e.Id, x.t)}\t-1\t{cookie}"));
            clients = LiveClientProcess.Start(address, plan);
            await clients.AskAsync("ready");

            // A node on opening night has served these pages and grains all day: the first rounds only warm the JIT of
            // both processes (a cold first round measured the compiler, p50 400 ms for every push).
            var results = new List<Round>();
            var warmedUp = 0;
            var settled = false;
            foreach (var (evening, index) in evenings.Select((e, i) => (e, i)))
            {
                var warmUp = index < warmUps;
                if (warmUp && settled)
                {
                    continue;
                }
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                var round = await RushAsync(db, grains, clients, work, evening, topics.Length);
                compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
                Console.Error.WriteLine($"meetings: round {index + 1} of {evenings.Count}{(warmUp ? " (warm-up)" : "")}: push p99 " +
                    $"{Percentile(Sorted(round.Pushes), 0.99):F0} ms, {compiled} methods compiled");
                if (warmUp)
                {
                    warmedUp++;
                    settled = warmedUp >= MinWarmUps && compiled < SettledJit;
                }
                else
                {
                    results.Add(round);
                }
            }

            var report = new StringBuilder();
            report.AppendLine($"meetings: {parents} parents, {watching} SignalR connections watching the grids as the school's page does (signed in as the manager, " +
                $"in a second process), {teachers} teacher(s) of {Slots} slots; all book one of the first {Wanted} at once, then every parent with a slot drags " +
                $"it to a random one; {warmedUp} warm-up round(s) until the JIT settled, then {rounds} measured (a new evening each, {topics.Length} connections open throughout)");
            report.AppendLine();
            report.AppendLine("| round | bookings accepted | rush requests/s | rush p50 ms | rush p99 ms | book + move p99 ms | changes | push p50 ms | push p99 ms | push max ms | " +
                "CPU s: node / watchers / PostgreSQL (wall s) |");
            report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var (r, i) in results.Select((r, i) => (r, i + 1)))
            {
                var pushes = Sorted(r.Pushes);
                report.AppendLine($"| {i} | {r.Booked} / {r.Requests} | {r.Requests / r.BookingSeconds:F0} | {Percentile(Sorted(r.BookingLatencies), 0.5):F2} | " +
                    $"{Percentile(Sorted(r.BookingLatencies), 0.99):F2} | {Percentile(Sorted(r.Latencies), 0.99):F2} | {pushes.Length} | " +
                    $"{Percentile(pushes, 0.5):F0} | {Percentile(pushes, 0.99):F0} | {pushes.LastOrDefault():F0} | " +
                    $"{r.Cpu.Node:F2} / {r.Cpu.Clients:F2} / {r.Cpu.Postgres:F2} ({r.Cpu.Wall:F2}) |");
            }
            var pooled = Sorted(results.SelectMany(r => r.Pushes).ToArray());
            report.AppendLine();
            report.AppendLine($"push to every watcher, all measured rounds: {pooled.Length} changes, p50 {Percentile(pooled, 0.5):F0} ms, " +
                $"p99 {Percentile(pooled, 0.99):F0} ms, max {pooled.LastOrDefault():F0} ms; changes not seen by every watcher: {results.Sum(r => r.Missing)}; " +
                $"watchers behind at the end: {results.Sum(r => r.Behind)}, connections closed: {results.Max(r => r.Closed)}; " +
                $"grids received per watcher and round: {results.Sum(r => r.Grids) / Math.Max(1, watching * results.Count)}");
            report.AppendLine($"slots held twice: {results.Sum(r => r.Doubles)}; rows = grains: {results.All(r => r.RowsMatch)}");
            if (results.Any(r => r.Missing > 0 || r.Behind > 0 || r.Doubles > 0 || !r.RowsMatch))
            {
                throw new InvalidOperationException("FAILED: " + report);
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

    static async Task<Round> RushAsync(NpgsqlDataSource db, IGrainFactory grains, LiveClientProcess clients, DirectoryInfo work,
        Evening evening, int pages)
    {
        var watching = evening.Watchers;
        var (teacherIds, families, teachers) = (evening.Teachers, evening.Families, evening.Teachers.Length);
        var changes = new ConcurrentBag<(Guid Teacher, long Version, long At)>();
        var latencies = new ConcurrentBag<double>();
        async Task<TimetableResult> Timed(Guid teacher, Func<Task<TimetableResult>> call)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await call();
            var end = Stopwatch.GetTimestamp();
            latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            if (result.Changed)
            {
                changes.Add((teacher, result.Grid.Version, end));
            }
            return result;
        }

        // Parents open the booking page before the window opens: their agendas are awake at opening time.
        await Task.WhenAll(families.Select(f => grains.Agenda(evening.Id, f.Parent).GetAppointmentsAsync()));
        await Task.WhenAll(teacherIds.Select(t => grains.Timetable(evening.Id, t).GetGridAsync()));
        var random = new Random(6);
        var wanted = families.Select(_ => random.Next(Wanted)).ToArray();
        var cpuBefore = await CpuAsync(clients);
        var rush = Stopwatch.StartNew();
        var booked = await Task.WhenAll(families.Select((f, i) =>
            Timed(teacherIds[i % teachers], () => grains.Agenda(evening.Id, f.Parent).BookAsync(teacherIds[i % teachers], f.Pupil, wanted[i]))));
        var bookingSeconds = rush.Elapsed.TotalSeconds;
        var bookingLatencies = latencies.ToArray();
        var moves = await Task.WhenAll(families.Select((f, i) => (f, i)).Where(x => booked[x.i].Done).Select(x =>
            Timed(teacherIds[x.i % teachers], () => grains.Agenda(evening.Id, x.f.Parent).MoveAsync(teacherIds[x.i % teachers], wanted[x.i], random.Next(Slots)))));
        var totalSeconds = rush.Elapsed.TotalSeconds;

        // Wait (bounded) until every watcher holds its grid's last version, then measure each change.
        var watched = Enumerable.Range(0, watching).Select(i => teacherIds[i % teachers]).ToArray();
        var last = changes.GroupBy(c => c.Teacher).ToDictionary(g => g.Key, g => g.Max(c => c.Version));
        var ((behind, closed), held) = await LiveScenario.HoldAsync(clients, work, pages,
            Enumerable.Range(0, watching).Where(i => last.ContainsKey(watched[i])).Select(i => (evening.FirstWatcher + i, last[watched[i]])));
        var cpu = (await CpuAsync(clients)).Minus(cpuBefore, rush.Elapsed.TotalSeconds);
        var pushes = new List<double>();
        var missing = 0;
        foreach (var change in changes)
        {
            // Each watcher shows the change from the first grid it held at that version or a newer one.
            var arrivals = Enumerable.Range(0, watching).Where(i => watched[i] == change.Teacher)
                .Select(i => held[evening.FirstWatcher + i].Where(h => h.Version >= change.Version).Select(h => h.At).DefaultIfEmpty(0).Min()).ToList();
            if (arrivals.Any(a => a == 0))
            {
                missing++;
                continue;
            }
            pushes.Add(Math.Max(0, Stopwatch.GetElapsedTime(change.At, arrivals.Max()).TotalMilliseconds));
        }
        return new Round(booked.Length, booked.Count(b => b.Done), booked.Count(b => b.Done) + moves.Count(m => m.Done && m.Changed), bookingSeconds,
            totalSeconds, bookingLatencies, latencies.ToArray(), pushes.ToArray(), missing, behind, closed,
            Enumerable.Range(0, watching).Sum(i => held[evening.FirstWatcher + i].Count),
            await DoublesAsync(db, evening.Id), await RowsMatchAsync(db, grains, evening.Id, teacherIds), cpu);
    }

    static double[] Sorted(double[] values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }

    internal static string Value(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    internal static async Task<(Guid Evening, Guid[] Teachers, IReadOnlyList<(Guid Parent, Guid Pupil)> Families)> SetUpAsync(NpgsqlDataSource db, int parents, int teachers)
    {
        var teacherIds = Enumerable.Range(0, teachers).Select(_ => Guid.CreateVersion7()).ToArray();
        var families = Enumerable.Range(0, parents).Select(_ => (Parent: Guid.CreateVersion7(), Pupil: Guid.CreateVersion7())).ToList();
        await using (var insert = db.CreateCommand("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
            SELECT t, @school, 'bench-teacher-' || t::text, 'Prof', 'Bench', 'teacher' FROM unnest(@teachers) AS t;
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
            SELECT p, @school, 'bench-parent-' || p::text, 'Parent', 'Bench', 'parent' FROM unnest(@parents) AS p;
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            SELECT c, @school, 'Élève', 'Bench', 'BENCH' FROM unnest(@pupils) AS c;
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, p, c FROM unnest(@parents, @pupils) AS f (p, c);
            """))
        {
            insert.Parameters.AddWithValue("school", DemoSchool.Id);
            insert.Parameters.AddWithValue("teachers", teacherIds);
            insert.Parameters.AddWithValue("parents", families.Select(f => f.Parent).ToArray());
            insert.Parameters.AddWithValue("pupils", families.Select(f => f.Pupil).ToArray());
            await insert.ExecuteNonQueryAsync();
        }
        var now = DateTimeOffset.UtcNow;
        var evening = new MeetingEvening(Guid.CreateVersion7(), DemoSchool.Id, "Bench", [DateOnly.FromDateTime(now.UtcDateTime).AddDays(7)],
            new TimeOnly(17, 0), new TimeOnly(17, 0).AddMinutes(10 * Slots), 10, now.AddMinutes(-1), now.AddDays(1), null, 1, false,
            teacherIds.Select(t => new MeetingTeacher(t, "Prof Bench", null, ["BENCH"])).ToList());
        await new MeetingEvenings(db).CreateAsync(evening, now);
        return (evening.Id, teacherIds, families);
    }

    internal static async Task<(CookieContainer, string)> SignInAsync(Uri address, string login = "claire.dupont")
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = address };
        var page = await http.GetStringAsync("/e/demo/connexion");
        var token = WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
        using var response = await http.PostAsync("/e/demo/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login,
            ["Password"] = DemoSchool.Password,
            ["__RequestVerificationToken"] = token,
        }));
        var signedIn = await http.GetStringAsync("/e/demo/mon-acces");
        return (cookies, WebUtility.HtmlDecode(Regex.Match(signedIn, "name=\"request-verification-token\" content=\"([^\"]+)\"").Groups[1].Value));
    }

    internal static async Task<long> DoublesAsync(NpgsqlDataSource db, Guid evening)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM (SELECT 1 FROM meeting_appointments WHERE evening_id = @e GROUP BY teacher_id, slot HAVING count(*) > 1) d
            """);
        command.Parameters.AddWithValue("e", evening);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task<bool> RowsMatchAsync(NpgsqlDataSource db, IGrainFactory grains, Guid evening, Guid[] teachers)
    {
        foreach (var teacher in teachers)
        {
            var grid = await grains.Timetable(evening, teacher).GetGridAsync();
            await using var command = db.CreateCommand("SELECT slot, parent_id FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t");
            command.Parameters.AddWithValue("e", evening);
            command.Parameters.AddWithValue("t", teacher);
            var rows = new HashSet<(int, Guid)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt32(0), reader.GetGuid(1)));
            }
            if (!rows.SetEquals(grid.Slots.Where(s => s.ParentId is not null).Select(s => (s.Index, s.ParentId!.Value))))
            {
                return false;
            }
        }
        return true;
    }
}