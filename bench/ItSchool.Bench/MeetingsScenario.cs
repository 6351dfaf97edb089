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
    const int Slots = 24;
    const int Wanted = 20;

    [GeneratedRegex("""data-version="(\d+)""")]
    private static partial Regex VersionAttribute();

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options, string[] args)
    {
        var parents = int.Parse(Value(args, "--parents", "500"));
        var teachers = int.Parse(Value(args, "--teachers", "1"));
        var watching = int.Parse(Value(args, "--watchers", parents.ToString()));
        var app = await BenchNodes.StartWebAsync(connectionString, "--ItSchool:RateLimits:SecretsPerMinute=100000");
        var connections = new List<HubConnection>();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meetings);
            var (evening, teacherIds, families) = await SetUpAsync(db, parents, teachers);

            // Every watcher: the versions of its grid it held, in order, and since when.
            var watchers = new List<(Guid Teacher, List<(long Version, long At)> Held)>();
            long receivedBytes = 0, receivedGrids = 0;
            var (cookies, token) = await SignInAsync(address);
            for (var i = 0; i < watching; i++)
            {
                var teacher = teacherIds[i % teachers];
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(address, "/e/demo/hubs/live"), o =>
                    {
                        o.Cookies = cookies;
                        o.Headers["RequestVerificationToken"] = token;
                    })
                    .Build();
                var held = new List<(long Version, long At)>();
                watchers.Add((teacher, held));
                // As the page does: a grid older than the one shown is ignored.
                connection.On<string, long, string?, bool>("live", (_, _, html, _) =>
                {
                    if (html is null)
                    {
                        return;
                    }
                    var version = long.Parse(VersionAttribute().Match(html).Groups[1].Value);
                    Interlocked.Add(ref receivedBytes, html.Length);
                    Interlocked.Increment(ref receivedGrids);
                    lock (held)
                    {
                        if (held.Count == 0 || version > held[^1].Version)
                        {
                            held.Add((version, Stopwatch.GetTimestamp()));
                        }
                    }
                });
                await connection.StartAsync();
                if (!await connection.InvokeAsync<bool>("Watch", TimetableChanged.Topic(evening, teacher), -1L))
                {
                    throw new InvalidOperationException("The hub refused to let the signed-in manager watch the grid.");
                }
                connections.Add(connection);
            }

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
            await Task.WhenAll(families.Select(f => grains.Agenda(evening, f.Parent).GetAppointmentsAsync()));
            await Task.WhenAll(teacherIds.Select(t => grains.Timetable(evening, t).GetGridAsync()));
            var random = new Random(6);
            var wanted = families.Select(_ => random.Next(Wanted)).ToArray();
            var rush = Stopwatch.StartNew();
            var booked = await Task.WhenAll(families.Select((f, i) =>
                Timed(teacherIds[i % teachers], () => grains.Agenda(evening, f.Parent).BookAsync(teacherIds[i % teachers], f.Pupil, wanted[i]))));
            var bookingSeconds = rush.Elapsed.TotalSeconds;
            var bookingLatencies = latencies.ToArray();
            var moves = await Task.WhenAll(families.Select((f, i) => (f, i)).Where(x => booked[x.i].Done).Select(x =>
                Timed(teacherIds[x.i % teachers], () => grains.Agenda(evening, x.f.Parent).MoveAsync(teacherIds[x.i % teachers], wanted[x.i], random.Next(Slots)))));
            var totalSeconds = rush.Elapsed.TotalSeconds;

            // Wait (bounded) until every watcher holds its grid's last version, then measure each change.
            var last = changes.GroupBy(c => c.Teacher).ToDictionary(g => g.Key, g => g.Max(c => c.Version));
            bool Holds((Guid Teacher, List<(long Version, long At)> Held) watcher, long version)
            {
                lock (watcher.Held)
                {
                    return watcher.Held.Count > 0 && watcher.Held[^1].Version >= version;
                }
            }
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(30) && watchers.Any(w => last.TryGetValue(w.Teacher, out var v) && !Holds(w, v)))
            {
                await Task.Delay(50);
            }
            var pushes = new List<double>();
            var missing = 0;
            foreach (var change in changes)
            {
                // Each watcher shows the change from the first grid it held at that version or a newer one.
                var arrivals = watchers.Where(w => w.Teacher == change.Teacher)
                    .Select(w => w.Held.FirstOrDefault(h => h.Version >= change.Version).At).ToList();
                if (arrivals.Any(a => a == 0))
                {
                    missing++;
                    continue;
                }
                pushes.Add(Math.Max(0, Stopwatch.GetElapsedTime(change.At, arrivals.Max()).TotalMilliseconds));
            }

            Array.Sort(bookingLatencies);
            var all = latencies.ToArray();
            Array.Sort(all);
            var pushArray = pushes.ToArray();
            Array.Sort(pushArray);
            var report = new StringBuilder();
            report.AppendLine($"meetings: {parents} parents, {watching} SignalR connections watching the grids as the school's page does (signed in as the manager), {teachers} teacher(s) of {Slots} slots; " +
                $"all book one of the first {Wanted} at once, then every parent with a slot drags it to a random one");
            report.AppendLine();
            report.AppendLine("| phase | requests | accepted | requests/s | p50 ms | p99 ms |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|");
            report.AppendLine($"| opening rush (book) | {booked.Length} | {booked.Count(b => b.Done)} | {booked.Length / bookingSeconds:F0} | " +
                $"{Percentile(bookingLatencies, 0.5):F2} | {Percentile(bookingLatencies, 0.99):F2} |");
            report.AppendLine($"| book + move | {all.Length} | {booked.Count(b => b.Done) + moves.Count(m => m.Done && m.Changed)} | {all.Length / totalSeconds:F0} | " +
                $"{Percentile(all, 0.5):F2} | {Percentile(all, 0.99):F2} |");
            report.AppendLine();
            report.AppendLine($"push to every watcher: {pushArray.Length} changes, p50 {Percentile(pushArray, 0.5):F0} ms, p99 {Percentile(pushArray, 0.99):F0} ms, " +
                $"max {pushArray.LastOrDefault():F0} ms; changes not seen by every watcher: {missing}; " +
                $"grids received {receivedGrids} ({receivedGrids / Math.Max(1, watching)} per watcher), {receivedBytes / Math.Max(1, receivedGrids)} characters each");
            report.AppendLine($"slots held twice: {await DoublesAsync(db, evening)}; rows = grains: {await RowsMatchAsync(db, grains, evening, teacherIds)}");
            return report.ToString();
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    internal static string Value(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    static async Task<(Guid Evening, Guid[] Teachers, IReadOnlyList<(Guid Parent, Guid Pupil)> Families)> SetUpAsync(NpgsqlDataSource db, int parents, int teachers)
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

    static async Task<long> DoublesAsync(NpgsqlDataSource db, Guid evening)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM (SELECT 1 FROM meeting_appointments WHERE evening_id = @e GROUP BY teacher_id, slot HAVING count(*) > 1) d
            """);
        command.Parameters.AddWithValue("e", evening);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<bool> RowsMatchAsync(NpgsqlDataSource db, IGrainFactory grains, Guid evening, Guid[] teachers)
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