using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ItSchool.Meals;
using ItSchool.Platform.Database;
using ItSchool.Platform.Orleans;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Two silos and two web nodes as separate processes on loopback, on the bench's PostgreSQL, under tills' sales and
/// parents' meal bookings through both web nodes and parents' dashboards watching their child's wallet live. Along the
/// load's time line: a silo killed with SIGKILL and started again, a web node killed and started again, PostgreSQL
/// restarted. Then the ledger is read: every acknowledged sale exactly once, every balance its ledger's sum, no meal
/// portion sold past its limit, every dashboard at its wallet's last version. Reported: the errors the users saw in
/// each phase, the longest time no sale was acknowledged, and how long each recovery took. With <c>--upgrade</c>, the
/// time line is a rolling upgrade instead: each silo, then each web node, stopped as an orchestrator stops it and started
/// from the next version (<see cref="NextVersion"/>), whose migration adds a column to the ledger while the previous
/// version still writes to it.
/// </summary>
public static class ChaosScenario
{
    const string Cluster = "chaos";

    public static async Task<string> RunAsync(LocalPostgres server, string directory, NpgsqlDataSource db, string connectionString, string[] args)
    {
        var seconds = double.Parse(MeetingsScenario.Value(args, "--seconds", "100"), CultureInfo.InvariantCulture);
        var families = int.Parse(MeetingsScenario.Value(args, "--families", "300"), CultureInfo.InvariantCulture);
        var watchers = int.Parse(MeetingsScenario.Value(args, "--watchers", "60"), CultureInfo.InvariantCulture);
        var next = args.Contains("--upgrade") ? await NextVersion.BuildAsync() : null;
        var certificate = Path.Combine(directory, "keys", SharedKeys.KeyFileName);
        SharedKeys.LoadOrCreateKeyFile(certificate).Dispose();

        var pupils = await WalletScenario.CreatePupilsAsync(db, families);
        await PosScenario.GiveCardsAsync(db, pupils);
        var days = await MealsScenario.SetUpMenusAsync(db);
        var terminals = new Terminals(db, TimeProvider.System);
        var keys = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            keys.Add((await terminals.CreateAsync(DemoSchool.Id, $"Chaos {i}", TerminalKind.Canteen, 1)).Key);
        }
        var parents = await BenchParents.CreateAsync(db, pupils, "chaos-");

        await using var siloA = NodeProcess.Silo("silo A", connectionString, Cluster);
        await using var siloB = NodeProcess.Silo("silo B", connectionString, Cluster);
        await using var webX = NodeProcess.Web("web X", connectionString, Cluster, certificate);
        await using var webY = NodeProcess.Web("web Y", connectionString, Cluster, certificate);
        siloA.Start();
        siloB.Start();
        await Task.WhenAll(siloA.WaitReadyAsync(TimeSpan.FromMinutes(2)), siloB.WaitReadyAsync(TimeSpan.FromMinutes(2)));
        using var client = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(orleans => orleans.UseItSchoolCluster(connectionString, new ClusterSettings { ClusterId = Cluster }))
            .Build();
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IGrainFactory>();
        await ActiveSilosAsync(grains, 2, TimeSpan.FromMinutes(1));
        var school = grains.GetGrain<ISchoolGrain>(DemoSchool.Id);
        foreach (var module in new[] { SchoolModule.Wallets, SchoolModule.PointOfSale, SchoolModule.Meals, SchoolModule.Meetings })
        {
            await school.EnableModuleAsync(module);
        }
        webX.Start();
        webY.Start();
        await Task.WhenAll(webX.WaitReadyAsync(TimeSpan.FromMinutes(2)), webY.WaitReadyAsync(TimeSpan.FromMinutes(2)));
        var sessions = await BenchParents.SignInAsync(webX.Address, parents);

        var load = new ChaosLoad([webX, webY]);
        using var stop = new CancellationTokenSource();
        var dashboards = new ChaosDashboards([webX, webY]);
        await dashboards.OpenAsync(pupils.Take(watchers).Select((pupil, i) => (PurseChanged.Topic(pupil), sessions[i].Cookie)).ToArray());
        Console.Error.WriteLine($"chaos: cluster up, {watchers} dashboards watching; load for {seconds:F0} s");
        var work = new List<Task>();
        for (var till = 0; till < 16; till++)
        {
            work.Add(SellAsync(load, keys[till % keys.Count], till, families, stop.Token));
        }
        var bookings = new ConcurrentQueue<(int Family, DateOnly Day, string Article)>(
            Enumerable.Range(0, families).SelectMany(f => days.Select((day, d) => (f, day, d == 0 ? "LIMITE-0" : "REPAS")))
                .OrderBy(b => HashCode.Combine(b.f, b.day)).Select(b => (b.f, b.day, b.Item3)));
        for (var parent = 0; parent < 8; parent++)
        {
            work.Add(BookAsync(load, bookings, pupils, sessions, stop.Token));
        }
        var meetings = await ChaosMeetings.SetUpAsync(db, grains, load);
        var (turns, held) = (meetings.Turns(), new ConcurrentDictionary<int, int>());
        for (var parent = 0; parent < 4; parent++)
        {
            work.Add(meetings.RunAsync(parent, turns, held, stop.Token));
        }

        var events = new List<ChaosReport.Event>();
        async Task At(double moment, string what, Func<Task> act, bool fault = true)
        {
            var wait = moment - load.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }
            var at = load.Now;
            Console.Error.WriteLine($"{at,6:F1} s: {what}");
            await act();
            lock (events)
            {
                events.Add(new ChaosReport.Event(what, at, load.Now, fault));
            }
        }
        async Task FaultsAsync()
        {
            Task declaredDead = Task.CompletedTask;
            await At(seconds * 0.15, "kill -9 silo A", async () =>
            {
                await siloA.KillAsync();
                declaredDead = Task.Run(async () =>
                {
                    await ActiveSilosAsync(grains, 1, TimeSpan.FromMinutes(2));
                    lock (events)
                    {
                        events.Add(new ChaosReport.Event("silo A declared dead by the cluster (seen by a client)", load.Now, load.Now, false));
                    }
                });
            });
            await At(seconds * 0.35, "silo A started again (until both silos active)", async () =>
            {
                siloA.Start();
                await siloA.WaitReadyAsync(TimeSpan.FromMinutes(2));
                await declaredDead;
                await ActiveSilosAsync(grains, 2, TimeSpan.FromMinutes(2));
            }, fault: false);
            await At(seconds * 0.5, "kill -9 web X", webX.KillAsync);
            await At(seconds * 0.6, "web X started again (until ready)", async () =>
            {
                webX.Start();
                await webX.WaitReadyAsync(TimeSpan.FromMinutes(2));
            }, fault: false);
            await At(seconds * 0.7, "PostgreSQL restarted (pg_ctl stop -m fast, start)", async () =>
            {
                await server.StopAsync();
                await LocalPostgres.StartAsync(directory, "bench", NullLogger.Instance);
                // The bench's own pool, for the checks after: the nodes are left to find their broken connections themselves.
                db.Clear();
            });
        }
        async Task UpgradeAsync(string next)
        {
            foreach (var (node, moment) in new[] { (siloA, 0.15), (siloB, 0.35), (webX, 0.5), (webY, 0.65) })
            {
                await At(seconds * moment, $"{node.Name} stopped (SIGTERM) and started from the next version (until ready)", async () =>
                {
                    await node.StopAndUpgradeAsync(next, TimeSpan.FromMinutes(1));
                    node.Start();
                    await node.WaitReadyAsync(TimeSpan.FromMinutes(2));
                });
            }
        }
        if (next is null)
        {
            await FaultsAsync();
        }
        else
        {
            await UpgradeAsync(next);
        }
        await At(seconds, "load stopped", () =>
        {
            stop.Cancel();
            return Task.CompletedTask;
        }, fault: false);
        await Task.WhenAll(work);
        var drained = load.Now;

        var behind = await dashboards.BehindAsync(db, TimeSpan.FromSeconds(60));
        var check = await ChaosChecks.RunAsync(db, load, pupils, days[0], await meetings.CheckAsync(db), upgraded: next is not null);
        await dashboards.DisposeAsync();
        await client.StopAsync();
        var report = ChaosReport.Write(load, events, seconds, drained, families, watchers, behind, dashboards.Reconnections, check);
        return check.Held && behind == 0 && load.Unanswered.IsEmpty ? report : throw new InvalidOperationException(report);
    }

    /// <summary>One till: sale after sale to random cards, each sent until answered (see <see cref="ChaosLoad"/>).</summary>
    static async Task SellAsync(ChaosLoad load, string terminalKey, int till, int cards, CancellationToken stop)
    {
        var random = new Random(till);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"c{till}-{n}";
            var card = $"BENCH{random.Next(1, cards + 1):D8}";
            if (await load.SendUntilAnsweredAsync("sale", key, () => PosScenario.SaleRequest(card, terminalKey, key), CancellationToken.None)
                is ChaosLoad.Outcome.Acknowledged)
            {
                load.AcknowledgedSales.Add(key);
            }
        }
    }

    /// <summary>One parent at a time from the queue, booking a day's meal for their child with the page's form post.</summary>
    static async Task BookAsync(ChaosLoad load, ConcurrentQueue<(int Family, DateOnly Day, string Article)> bookings, Guid[] pupils,
        IReadOnlyList<BenchParents.Session> sessions, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && bookings.TryDequeue(out var booking))
        {
            var (family, day, article) = booking;
            var session = sessions[family];
            var key = $"chaos-{family}-{MealDays.Key(day)}";
            HttpRequestMessage Request()
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"/e/demo/repas/jour/{MealDays.Key(day)}/reserver")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Key"] = key, ["Pupil"] = pupils[family].ToString(), ["Article"] = article }),
                };
                request.Headers.Add("Cookie", session.Cookie);
                request.Headers.Add("RequestVerificationToken", session.Token);
                request.Headers.Add("HX-Request", "true");
                return request;
            }
            if (await load.SendUntilAnsweredAsync("meal", key, Request, CancellationToken.None) is ChaosLoad.Outcome.Acknowledged)
            {
                load.AcknowledgedMeals.Add(key);
            }
        }
    }

    static async Task ActiveSilosAsync(IGrainFactory grains, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while ((await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster did not have {count} active silos within {within.TotalSeconds:F0} s.");
            }
            await Task.Delay(200);
        }
    }
}