using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// The wallet's live push: W SignalR connections signed in as Chloé's parent watch her purse, as her dashboard
/// does, while a terminal posts her sales one at a time over HTTP. For each sale, the time from its 201 answer
/// to the moment the last watcher holds a newer version of the purse (fragments rendered, sent, received).
/// One sale at a time, so that each push belongs to one sale.
/// </summary>
public static class PushScenario
{
    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, string[] args)
    {
        var watching = int.Parse(MeetingsScenario.Value(args, "--watchers", "100"));
        var sales = int.Parse(MeetingsScenario.Value(args, "--sales", "200"));
        var app = await BenchNodes.StartWebAsync(connectionString, "--ItSchool:RateLimits:SecretsPerMinute=100000");
        var connections = new List<HubConnection>();
        try
        {
            var address = BenchNodes.AddressOf(app);
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await BenchNodes.OpenTillsAsync(app);
            var chloe = await ChloeAsync(db);
            await grains.GetGrain<IPurseGrain>(chloe).CreditAsync(new Credit("bench/push", 1, 10_000_000, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));
            await using (var card = db.CreateCommand("INSERT INTO pupil_cards (school_id, uid, pupil_id, assigned_at) VALUES (@school, 'PUSH0001', @pupil, now())"))
            {
                card.Parameters.AddWithValue("school", DemoSchool.Id);
                card.Parameters.AddWithValue("pupil", chloe);
                await card.ExecuteNonQueryAsync();
            }
            var key = (await app.Services.GetRequiredService<Terminals>().CreateAsync(DemoSchool.Id, "Push", TerminalKind.Canteen, 1)).Key;

            // Each watcher: the newest version it holds, and since when.
            var held = new (long Version, long At)[watching];
            var (cookies, _) = await MeetingsScenario.SignInAsync(address, "marc.dubois");
            for (var i = 0; i < watching; i++)
            {
                var mine = i;
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(address, "/e/demo/hubs/live"), o => o.Cookies = cookies)
                    .Build();
                connection.On<string, long, string?, bool>("live", (_, version, _, _) =>
                {
                    lock (held)
                    {
                        if (version > held[mine].Version)
                        {
                            held[mine] = (version, Stopwatch.GetTimestamp());
                        }
                    }
                });
                await connection.StartAsync();
                if (!await connection.InvokeAsync<bool>("Watch", PurseChanged.Topic(chloe), -1L))
                {
                    throw new InvalidOperationException("The hub refused to let Chloé's parent watch her purse.");
                }
                connections.Add(connection);
            }

            using var http = new HttpClient { BaseAddress = address };
            var latencies = new List<double>();
            var missing = 0;
            for (var n = 0; n < sales + 10; n++)
            {
                long before;
                lock (held)
                {
                    before = held.Max(h => h.Version);
                }
                using var request = PosScenario.SaleRequest("PUSH0001", key, $"push-{n}");
                using var response = await http.SendAsync(request);
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode != System.Net.HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"A sale got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                var deadline = Stopwatch.StartNew();
                bool AllNewer()
                {
                    lock (held)
                    {
                        return held.All(h => h.Version > before);
                    }
                }
                while (!AllNewer() && deadline.Elapsed < TimeSpan.FromSeconds(5))
                {
                    await Task.Delay(1);
                }
                if (n < 10)
                {
                    continue; // warm-up
                }
                if (!AllNewer())
                {
                    missing++;
                    continue;
                }
                lock (held)
                {
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(answered, held.Max(h => h.At)).TotalMilliseconds));
                }
            }
            latencies.Sort();
            double At(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
            return $"push: {watching} SignalR connections signed in as Chloé's parent watch her purse; a terminal posts {sales} sales one at a time\n\n" +
                $"sale answered → every watcher holds the new purse: p50 {At(0.5):F1} ms, p99 {At(0.99):F1} ms, max {latencies.LastOrDefault():F1} ms; " +
                $"sales not seen by every watcher within 5 s: {missing}";
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

    static async Task<Guid> ChloeAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT id FROM pupils WHERE school_id = @school AND first_name = 'Chloé'");
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}