using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Opening night of meal bookings: P parents each book the next 20 school days, all at once (C parents clicking at
/// the same moment, each booking one meal after the other). Each parent's first meal is the one article of the
/// "hot" day that has only 100 portions, so P parents race for them. Measured three ways in the same run, each on its
/// own parents: the booking endpoint over HTTP, the day's grain it calls, and one plain-SQL transaction per booking
/// (lock the article, count its bookings, lock the purse row, insert the booking and the ledger entry). After each:
/// no portion sold twice, every booking has its ledger entry and every balance its ledger's sum.
/// </summary>
public static class MealsScenario
{
    const int Days = 20;
    internal const int Portions = 100;
    const long Price = 450;

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, BenchOptions options, string[] args)
    {
        var parents = int.Parse(Value(args, "--parents", "1000"));
        // Unset: every parent at once, C at a time (the saturated rush). Set: parents arrive evenly over that many seconds,
        // each booking its days one after the other, however many are in flight (an opening night as it comes).
        double? arrivals = Value(args, "--arrival-seconds", "") is { Length: > 0 } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
        var app = await BenchNodes.StartWebAsync(connectionString, "--ItSchool:RateLimits:SecretsPerMinute=100000");
        try
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var school = grains.GetGrain<ISchoolGrain>(DemoSchool.Id);
            await school.EnableModuleAsync(SchoolModule.Wallets);
            await school.EnableModuleAsync(SchoolModule.Meals);
            var days = await SetUpMenusAsync(db);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var sessions = new ConcurrentDictionary<Guid, (HttpClient Client, string Token)>();
            var paths = new List<(string Name, Func<Guid, DateOnly, string, string, Task<bool>> Book)>
            {
                ("POST /repas/jour/{day}/reserver", (pupil, day, code, key) => PostBookingAsync(sessions[pupil], pupil, day, code, key)),
                ("plain-SQL transaction (baseline)", (pupil, day, code, key) => BaselineBookAsync(db, pupil, day, code, key)),
                ("IMealDayGrain.BookAsync", async (pupil, day, code, key) =>
                    (await grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking(key, pupil, code, new Actor(ActorKind.User, "bench", null)))).Booked),
            };

            var report = new StringBuilder();
            var pace = arrivals is { } spread ? $"arriving evenly over {spread:0.#} s" : $"{options.Concurrency} at a time";
            report.AppendLine($"meals: {parents} parents per path book {Days} school days each, {pace}, one meal after " +
                $"the other; every parent's first meal is one of {Portions} portions of the hot day; {Environment.ProcessorCount} cores");
            report.AppendLine("Refused: the hot day's sold-out portions (counted from the bookings table for every path).");
            report.AppendLine();
            report.AppendLine("| path | bookings/s | p50 ms | p99 ms | hot portions sold | refused | bookings = ledger entries | ratio to baseline (throughput) |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|");
            double? baseline = null;
            var rows = new SortedDictionary<int, string>();
            var throughputs = new Dictionary<int, double>();
            // The baseline comes first in the table, as in every scenario, but the paths run in the list's order.
            foreach (var (path, (name, book)) in paths.Index())
            {
                // A few parents first, on their own pupils, so that activations and the JIT do not count as the rush.
                var warm = await CreateFamiliesAsync(db, 32);
                var families = await CreateFamiliesAsync(db, parents);
                if (path == 0)
                {
                    await SignInAsync(db, address, [.. warm, .. families], sessions);
                }
                await RushAsync(warm, days, 8, book, "WARM", $"warm-{path}");
                var result = arrivals is { } seconds
                    ? await ArrivingAsync(families, days, seconds, book, $"LIMITE-{path}", $"rush-{path}")
                    : await RushAsync(families, days, options.Concurrency, book, $"LIMITE-{path}", $"rush-{path}");
                var (hot, booked, consistent) = await VerifyAsync(db, families, days[0]);
                rows[path] = $"| {name} | {result.Throughput:F0} | {result.P50Ms:F2} | {result.P99Ms:F2} | {hot} | {families.Length * Days - booked} | " +
                    $"{(consistent ? "yes" : "NO")} | RATIO |";
                Console.Error.WriteLine(rows[path]);
                if (path == 1)
                {
                    baseline = result.Throughput;
                }
                throughputs[path] = result.Throughput;
                if (hot > Portions || !consistent)
                {
                    throw new InvalidOperationException($"{name}: {hot} hot portions sold, bookings and ledger consistent: {consistent}");
                }
            }
            foreach (var (path, row) in rows.OrderBy(r => r.Key == 1 ? 0 : r.Key + 1))
            {
                report.AppendLine(row.Replace("RATIO", (throughputs[path] / baseline!.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
            }
            foreach (var (client, _) in sessions.Values)
            {
                client.Dispose();
            }
            return report.ToString();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    sealed record Rush(double Throughput, double P50Ms, double P99Ms, long Refused);

    /// <summary>Parent i starts at i × S / P seconds and books its days one after the other: an open loop, latency is not queueing of the harness.</summary>
    static async Task<Rush> ArrivingAsync(IReadOnlyList<Guid> pupils, IReadOnlyList<DateOnly> days, double seconds,
        Func<Guid, DateOnly, string, string, Task<bool>> book, string hotCode, string run)
    {
        var latencies = new ConcurrentBag<double>();
        long refused = 0;
        var started = Stopwatch.GetTimestamp();
        var parents = new List<Task>();
        for (var i = 0; i < pupils.Count; i++)
        {
            var wait = TimeSpan.FromSeconds(seconds * i / pupils.Count) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            var pupil = pupils[i];
            parents.Add(Task.Run(async () =>
            {
                for (var d = 0; d < days.Count; d++)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (!await book(pupil, days[d], d == 0 ? hotCode : "REPAS", $"{run}/{pupil}/{d}"))
                    {
                        Interlocked.Increment(ref refused);
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }));
        }
        await Task.WhenAll(parents);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new Rush(sorted.Length / elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.99), refused);
    }

    static async Task<Rush> RushAsync(IReadOnlyList<Guid> pupils, IReadOnlyList<DateOnly> days, int concurrency,
        Func<Guid, DateOnly, string, string, Task<bool>> book, string hotCode, string run)
    {
        var latencies = new ConcurrentBag<double>();
        long refused = 0;
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < pupils.Count; i = Interlocked.Increment(ref next))
            {
                for (var d = 0; d < days.Count; d++)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (!await book(pupils[i], days[d], d == 0 ? hotCode : "REPAS", $"{run}/{pupils[i]}/{d}"))
                    {
                        Interlocked.Increment(ref refused);
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new Rush(sorted.Length / elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.99), refused);
    }

    /// <summary>
    /// The 20 school days from next Monday, each with an unlimited REPAS; the first (the hot day) has instead, for each
    /// path, its own LIMITE-n of 100 portions, and an unlimited WARM for the warm-ups. Rules: six weeks ahead, every class.
    /// </summary>
    internal static async Task<IReadOnlyList<DateOnly>> SetUpMenusAsync(NpgsqlDataSource db)
    {
        var today = SchoolTime.Day(DateTimeOffset.UtcNow);
        var days = new List<DateOnly>();
        for (var day = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7); days.Count < Days; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(day);
            }
        }
        await using var command = db.CreateCommand("""
            INSERT INTO meal_rules (school_id, horizon_days, cutoff_time, cutoff_school_days, updated_at) VALUES (@school, 42, '09:00', 0, now())
            ON CONFLICT (school_id) DO UPDATE SET horizon_days = 42, allowed_classes = NULL;
            INSERT INTO meal_articles (school_id, day, code, label, price_cents, compartment, allergens, capacity)
            SELECT @school, d, 'REPAS', 'Repas du banc d''essai', @price, 2, 0, NULL FROM unnest(@days) AS d WHERE d <> @hot
            UNION ALL
            SELECT @school, @hot, c, 'Repas du banc d''essai', @price, 2, 0, CASE WHEN c = 'WARM' THEN NULL ELSE @portions END
            FROM unnest(ARRAY['LIMITE-0', 'LIMITE-1', 'LIMITE-2', 'WARM']) AS c
            ON CONFLICT DO NOTHING;
            """);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("days", days.ToArray());
        command.Parameters.AddWithValue("hot", days[0]);
        command.Parameters.AddWithValue("price", Price);
        command.Parameters.AddWithValue("portions", Portions);
        await command.ExecuteNonQueryAsync();
        return days;
    }

    /// <summary>Pupils with a well-funded "Repas" compartment (the wallet scenario's), one per parent.</summary>
    static Task<Guid[]> CreateFamiliesAsync(NpgsqlDataSource db, int count) => WalletScenario.CreatePupilsAsync(db, count);

    /// <summary>What a booking endpoint would do in one transaction, without grains: the baseline.</summary>
    static async Task<bool> BaselineBookAsync(NpgsqlDataSource db, Guid pupil, DateOnly day, string code, string key)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The count is a statement of its own, after the lock: in one statement with the FOR UPDATE it would read the
        // snapshot from before the wait and sell a portion twice (it did: 101 of 100).
        await using (var article = new NpgsqlCommand("""
            SELECT capacity FROM meal_articles WHERE school_id = @school AND day = @day AND code = @code AND withdrawn_at IS NULL FOR UPDATE;
            SELECT count(*) FROM meal_bookings WHERE school_id = @school AND day = @day AND article_code = @code AND status IN ('pending', 'booked');
            """, connection, transaction))
        {
            article.Parameters.AddWithValue("school", DemoSchool.Id);
            article.Parameters.AddWithValue("day", day);
            article.Parameters.AddWithValue("code", code);
            await using var reader = await article.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return false;
            }
            var capacity = reader.IsDBNull(0) ? (int?)null : reader.GetInt32(0);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (capacity is { } limit && reader.GetInt64(0) >= limit)
            {
                return false;
            }
        }
        long balance;
        await using (var purse = new NpgsqlCommand(
            "SELECT balance_cents FROM purse_compartments WHERE pupil_id = @pupil AND compartment = 2 FOR UPDATE", connection, transaction))
        {
            purse.Parameters.AddWithValue("pupil", pupil);
            balance = (long)(await purse.ExecuteScalarAsync())!;
        }
        if (balance - Price < 0)
        {
            return false;
        }
        var id = Guid.CreateVersion7();
        await using var write = new NpgsqlCommand("""
            INSERT INTO meal_bookings (id, school_id, day, article_code, label, pupil_id, compartment, amount_cents, request_key, booked_by_kind,
                                       booked_by_id, status, debit_key, created_at, booked_at)
            VALUES (@id, @school, @day, @code, 'Repas du banc d''essai', @pupil, 2, @price, @key, 'user', 'bench', 'booked', @debit, now(), now());
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method, subject_code,
                                        subject_args, caused_by_kind, caused_by_id, idempotency_key, occurred_at)
            VALUES (@school, @pupil, 2, -@price, @after, 'meal_reservation', 'wallet', 'meal_reservation',
                    jsonb_build_array('Repas du banc d''essai', @day::text), 'user', 'bench', @debit, now());
            UPDATE purse_compartments SET balance_cents = @after WHERE pupil_id = @pupil AND compartment = 2;
            """, connection, transaction);
        write.Parameters.AddWithValue("id", id);
        write.Parameters.AddWithValue("school", DemoSchool.Id);
        write.Parameters.AddWithValue("day", day);
        write.Parameters.AddWithValue("code", code);
        write.Parameters.AddWithValue("pupil", pupil);
        write.Parameters.AddWithValue("price", Price);
        write.Parameters.AddWithValue("key", key.Length <= 100 ? key : key[^100..]);
        write.Parameters.AddWithValue("debit", $"meal/{id}");
        write.Parameters.AddWithValue("after", balance - Price);
        await write.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>The hot day's portions these families hold, and whether every booking has its ledger entry and every balance its ledger's sum.</summary>
    internal static async Task<(long Hot, long Booked, bool Consistent)> VerifyAsync(NpgsqlDataSource db, Guid[] pupils, DateOnly hotDay)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT count(*) FROM meal_bookings WHERE pupil_id = ANY(@pupils) AND day = @hot AND status = 'booked'),
                   (SELECT count(*) FROM meal_bookings WHERE pupil_id = ANY(@pupils) AND status = 'booked'),
                   (SELECT count(*) FROM meal_bookings b WHERE b.pupil_id = ANY(@pupils) AND b.status = 'booked')
                 = (SELECT count(*) FROM ledger_entries l WHERE l.pupil_id = ANY(@pupils) AND l.kind = 'meal_reservation')
               AND NOT EXISTS (SELECT 1 FROM meal_bookings b WHERE b.pupil_id = ANY(@pupils) AND b.status = 'booked'
                               AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.pupil_id = b.pupil_id AND l.idempotency_key = b.debit_key))
               AND NOT EXISTS (SELECT 1 FROM purse_compartments c WHERE c.pupil_id = ANY(@pupils) AND c.balance_cents
                               <> (SELECT sum(amount_cents) FROM ledger_entries l WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment))
            """);
        command.Parameters.AddWithValue("pupils", pupils);
        command.Parameters.AddWithValue("hot", hotDay);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
    }

    /// <summary>
    /// A parent account per pupil (the demo's password), each signed in over HTTP in its own cookie jar, with the
    /// antiforgery token its pages carry: what a browser holds before the parent clicks "Réserver".
    /// </summary>
    internal static async Task SignInAsync(NpgsqlDataSource db, Uri address, Guid[] pupils, ConcurrentDictionary<Guid, (HttpClient, string)> sessions)
    {
        var logins = await BenchParents.CreateAsync(db, pupils, "bench-meals-");
        await Parallel.ForEachAsync(logins.Zip(pupils), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (family, _) =>
        {
            var (cookies, token) = await MeetingsScenario.SignInAsync(address, family.First);
            var client = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = address };
            sessions[family.Second] = (client, token);
        });
    }

    static async Task<bool> PostBookingAsync((HttpClient Client, string Token) session, Guid pupil, DateOnly day, string code, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/e/demo/repas/jour/{MealDays.Key(day)}/reserver")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Key"] = key[^Math.Min(key.Length, 80)..], ["Pupil"] = pupil.ToString(), ["Article"] = code }),
        };
        request.Headers.Add("RequestVerificationToken", session.Token);
        request.Headers.Add("HX-Request", "true");
        using var response = await session.Client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The booking endpoint answered {(int)response.StatusCode}");
        }
        return true;
    }

    internal static string Value(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    internal static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}