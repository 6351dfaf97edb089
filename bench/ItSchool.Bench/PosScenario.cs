using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Terminals posting sales over HTTP to a running single node (web app with its in-process silo, on the
/// same machine as PostgreSQL), over many cards and over a few hot ones; one request in ten is sent again
/// with the same sale id, as a terminal retrying after a lost answer. Measured against the plain-SQL
/// debit of the wallet scenario in the same run.
/// </summary>
public static class PosScenario
{
    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options, string[] args)
    {
        var http2 = args.Contains("--http2");
        var terminalCount = int.Parse(MeetingsScenario.Value(args, "--terminals", "0"));
        var thinkMs = int.Parse(MeetingsScenario.Value(args, "--think-ms", "1000"));
        // HTTP/2 without TLS needs an endpoint that speaks only HTTP/2 (prior knowledge: no ALPN to choose with).
        var app = http2
            ? await BenchNodes.StartWebAsync(connectionString, "--Kestrel:Endpoints:h2c:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:h2c:Protocols=Http2")
            : await BenchNodes.StartWebAsync(connectionString);
        try
        {
            await BenchNodes.OpenTillsAsync(app);
            var address = BenchNodes.AddressOf(app);
            var pupils = await WalletScenario.CreatePupilsAsync(db, options.Pupils);
            var baselinePupils = await WalletScenario.CreatePupilsAsync(db, options.Pupils);
            await GiveCardsAsync(db, pupils);
            var terminals = app.Services.GetRequiredService<Terminals>();
            var keys = new List<string>();
            for (var i = 0; i < Math.Max(8, terminalCount); i++)
            {
                keys.Add((await terminals.CreateAsync(DemoSchool.Id, $"Bench {i}", TerminalKind.Canteen, 1)).Key);
            }
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, EnableMultipleHttp2Connections = true })
            {
                BaseAddress = address,
                DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            if (terminalCount > 0)
            {
                return await RushAsync(db, address, keys, options, terminalCount, thinkMs);
            }

            var report = new StringBuilder();
            report.AppendLine($"pos: {options.Concurrency} terminal clients over {(http2 ? "HTTP/2 (h2c)" : "HTTP/1.1")} to one node, {options.Seconds} s per run, " +
                $"8 terminal keys, {options.Pupils} cards (spread) / {options.HotPupils} cards (hot), 1 request in 10 retried with the same sale id");
            report.AppendLine();
            report.AppendLine("| load | path | sales/s | p50 ms | p99 ms | duplicates | not 201 | ratio to baseline (throughput) |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (load, count) in new[] { ("spread", options.Pupils), ("hot", options.HotPupils) })
            {
                var cards = Enumerable.Range(1, count).Select(n => $"BENCH{n:D8}").ToArray();
                var rows = baselinePupils.Take(count).ToArray();
                await WalletScenario.MeasureAsync("warm-up", load, rows, 2, options.Concurrency, (p, k) => WalletScenario.BaselineDebitAsync(db, p, k));
                // Longer: the web stack's code is still being recompiled by the tiered JIT for the first seconds.
                var warm = await WalletScenario.WarmUpAsync(load, Indexes(count), options.Concurrency, (i, k) => PostSaleAsync(http, keys, cards, i, k));
                Console.Error.WriteLine($"warmed up {load} in {warm} s");
                var baseline = await WalletScenario.MeasureAsync("baseline", load, rows, options.Seconds, options.Concurrency,
                    (p, k) => WalletScenario.BaselineDebitAsync(db, p, k));
                // For a profiler started from outside on this line (docs/benchmarks.md, where the time goes).
                Console.Error.WriteLine($"measuring pos {load} for {options.Seconds} s");
                await Statements.ResetAsync(db);
                var pos = await WalletScenario.MeasureAsync("pos", load, Indexes(count), options.Seconds, options.Concurrency,
                    (i, k) => PostSaleAsync(http, keys, cards, i, k));
                await Statements.ReportAsync(db, $"pos {load}");
                var duplicates = await DuplicatesAsync(db);
                report.AppendLine($"| {load} | plain-SQL debit (baseline) | {baseline.Throughput:F0} | {baseline.P50Ms:F2} | {baseline.P99Ms:F2} | – | {baseline.Declined} | 1.00 |");
                report.AppendLine($"| {load} | POST /api/pos/v1/sales | {pos.Throughput:F0} | {pos.P50Ms:F2} | {pos.P99Ms:F2} | {duplicates} | {pos.Declined} | {pos.Throughput / baseline.Throughput:F2} |");
            }
            // Every card can pay: any other answer means the run measured something else than sales.
            if (!Refusals.IsEmpty)
            {
                throw new InvalidOperationException($"Answers other than 201: {string.Join(", ", Refusals.Select(r => $"{(int)r.Key} × {r.Value}"))}");
            }
            return report.ToString();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// A school's noon rush: each of N terminals keeps its own connection and key and posts a sale about every think time,
    /// over the 1000 cards; throughput and latency as the terminals see them (no baseline: the load is what the tills send).
    /// </summary>
    static async Task<string> RushAsync(NpgsqlDataSource db, Uri address, IReadOnlyList<string> keys, BenchOptions options, int count, int thinkMs)
    {
        var clients = Enumerable.Range(0, count).Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 })
        {
            BaseAddress = address,
        }).ToArray();
        try
        {
            var cards = Enumerable.Range(1, options.Pupils).Select(n => $"BENCH{n:D8}").ToArray();
            // Each worker is one terminal: its index is the sale key's third part.
            Task<bool> Post(Guid card, string saleKey)
            {
                var terminal = int.Parse(saleKey.Split('/')[2]);
                return PostSaleAsync(clients[terminal], [keys[terminal]], cards, card, saleKey);
            }
            var warm = await WalletScenario.WarmUpAsync("rush", Indexes(cards.Length), count, Post);
            Console.Error.WriteLine($"warmed up the rush in {warm} s");
            var (gen2, paused) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var rush = await WalletScenario.MeasureAsync("rush", "spread", Indexes(cards.Length), options.Seconds, count, Post, thinkMs);
            var gc = $"GC during the rush: {GC.CollectionCount(2) - gen2} gen-2 collections, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms in all; " +
                $"{ThreadPool.ThreadCount} pool threads";
            if (!Refusals.IsEmpty)
            {
                throw new InvalidOperationException($"Answers other than 201: {string.Join(", ", Refusals.Select(r => $"{(int)r.Key} × {r.Value}"))}");
            }
            return $"pos rush: {count} terminals, each its own key and keep-alive connection, a sale every {thinkMs / 2}–{thinkMs * 3 / 2} ms, " +
                $"{options.Seconds} s, {options.Pupils} cards\n\n| terminals | sales/s | p50 ms | p99 ms | duplicates | not 201 |\n|---:|---:|---:|---:|---:|---:|\n" +
                $"| {count} | {rush.Throughput:F0} | {rush.P50Ms:F2} | {rush.P99Ms:F2} | {await DuplicatesAsync(db)} | {rush.Declined} |\n\n{gc}";
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    // The measuring loop picks "pupils" by Guid; here the Guid's first bytes carry a card index.
    static Guid[] Indexes(int count) => Enumerable.Range(0, count).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();

    // What the node answered instead of 201, to say why a run's sales were not sales.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, long> Refusals = new();

    static async Task<bool> PostSaleAsync(HttpClient http, IReadOnlyList<string> keys, string[] cards, Guid index, string saleKey)
    {
        var card = cards[BitConverter.ToInt32(index.ToByteArray(), 0)];
        var terminal = keys[Math.Abs(saleKey.GetHashCode()) % keys.Count];
        var status = await SendAsync();
        // One in ten: the terminal did not get the answer and sends the very same sale again.
        if (Math.Abs(saleKey.GetHashCode()) % 10 == 0)
        {
            var again = await SendAsync();
            if (again != status)
            {
                throw new InvalidOperationException($"A retried sale got {again} after {status}");
            }
        }
        if (status != HttpStatusCode.Created)
        {
            Refusals.AddOrUpdate(status, 1, (_, n) => n + 1);
        }
        return status == HttpStatusCode.Created;

        async Task<HttpStatusCode> SendAsync()
        {
            using var request = SaleRequest(card, terminal, saleKey);
            request.Version = http.DefaultRequestVersion;
            request.VersionPolicy = http.DefaultVersionPolicy;
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
    }

    /// <summary>Card BENCH00000001 for the first pupil, BENCH00000002 for the second, and so on.</summary>
    internal static async Task GiveCardsAsync(NpgsqlDataSource db, Guid[] pupils)
    {
        await using var cards = db.CreateCommand("""
            INSERT INTO pupil_cards (school_id, uid, pupil_id, assigned_at)
            SELECT @school, 'BENCH' || lpad(n::text, 8, '0'), p, now() FROM unnest(@pupils) WITH ORDINALITY AS c(p, n)
            """);
        cards.Parameters.AddWithValue("school", DemoSchool.Id);
        cards.Parameters.AddWithValue("pupils", pupils);
        await cards.ExecuteNonQueryAsync();
    }

    /// <summary>A terminal's sale of one apple to a card, as the POS API takes it.</summary>
    internal static HttpRequestMessage SaleRequest(string card, string terminalKey, string saleKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/pos/v1/sales")
        {
            Content = new StringContent($$"""{"cardUid":"{{card}}","lines":[{"articleCode":"POMME","quantity":1}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", terminalKey);
        request.Headers.Add("Idempotency-Key", saleKey);
        return request;
    }

    /// <summary>Sales whose ledger holds more than one entry for one accepted sale id: must be none.</summary>
    static async Task<long> DuplicatesAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT count(*) FROM ledger_entries WHERE kind = 'sale' AND idempotency_key LIKE 'pos/%')
                 - (SELECT count(*) FROM pos_sales WHERE status_code = 201)
            """);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}