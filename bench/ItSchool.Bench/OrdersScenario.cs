using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// The last T-shirts: a form whose article has only S left (50 by default) opens, and P parents (500) click "Commander"
/// at the same moment, each for one, paid from the wallet. Rounds of that, each on a new form and new parents, measured
/// two ways in the same run: the form's grain (what the parents' page calls) and one plain-SQL transaction per order
/// (lock the option's row, count what is ordered, lock the purse, write the order, its line and the ledger entry).
/// After each round: exactly S sold, every order with its one debit, every balance its ledger's sum.
/// </summary>
public static class OrdersScenario
{
    const long Price = 1_200;

    public static async Task<string> RunAsync(NpgsqlDataSource db, string connectionString, string[] args)
    {
        var parents = int.Parse(MealsScenario.Value(args, "--parents", "500"));
        var stock = int.Parse(MealsScenario.Value(args, "--stock", "50"));
        var rounds = int.Parse(MealsScenario.Value(args, "--rounds", "5"));
        // 0: every parent at the same instant (a burst the two cores must queue). Set: the clicks spread evenly over that many
        // seconds, as a form opening to hundreds of people actually sees them.
        var spread = double.Parse(MealsScenario.Value(args, "--arrival-seconds", "0"), System.Globalization.CultureInfo.InvariantCulture);
        var app = await BenchNodes.StartWebAsync(connectionString, "--ItSchool:RateLimits:SecretsPerMinute=100000", "--ItSchool:OrleansDashboard=false");
        var sessions = new ConcurrentDictionary<Guid, (HttpClient Client, string Token)>();
        try
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Orders);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var actor = new Actor(ActorKind.User, "bench", "Bench");
            // The HTTP path's parents sign in once (a password hash each) and order on a new form every round.
            var signedIn = await WalletScenario.CreatePupilsAsync(db, parents + 100);
            await MealsScenario.SignInAsync(db, address, signedIn, sessions);
            var keys = new ConcurrentDictionary<Guid, string>();
            var paths = new (string Name, Func<Guid, Guid, string, Task<bool>> Order, Func<Guid, Guid[], Task> Open, Guid[]? Pupils)[]
            {
                ("plain-SQL transaction (baseline)", (form, pupil, key) => BaselineOrderAsync(db, form, pupil, key), (_, _) => Task.CompletedTask, null),
                ("IOrderFormGrain.PlaceAsync", async (form, pupil, key) =>
                    (await grains.OrderForm(form).PlaceAsync(new PlaceOrder(key, DemoSchool.Id, pupil, [new("TSHIRT", "S", 1)], Price, actor))).Placed,
                    // What the form's page asks before anyone clicks: what is left, and what the child's wallet holds.
                    async (form, pupils) =>
                    {
                        await grains.OrderForm(form).GetStockAsync();
                        await Task.WhenAll(pupils.Select(pupil => grains.GetGrain<IPurseGrain>(pupil).GetPurseAsync()));
                    }, null),
                ($"POST /commandes/{{form}} (signed-in parents, {parents} sessions)", (form, pupil, _) => PostOrderAsync(sessions[pupil], form, pupil, keys[pupil]),
                    // Every parent has the form's page open: its key is the one the page carries.
                    (form, pupils) => Parallel.ForEachAsync(pupils, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pupil, _) =>
                        keys[pupil] = await OpenFormAsync(sessions[pupil], form)), signedIn),
            };
            var report = new StringBuilder();
            report.AppendLine($"orders: {rounds} rounds per path of {parents} parents ordering at the same moment the last {stock} T-shirts S " +
                $"of a new form, paid from the wallet, {(spread > 0 ? $"clicking evenly within {spread:0.##} s" : "all at the same instant")}; " +
                $"{Environment.ProcessorCount} cores");
            report.AppendLine();
            report.AppendLine("| path | orders/s | p50 ms | p99 ms | max ms | sold per round | every order = one debit, balances = ledger | p99 ratio to baseline |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|");
            double? baselineP99 = null;
            foreach (var (name, order, open, fixedPupils) in paths)
            {
                Task<Guid[]> PupilsAsync(int count) => fixedPupils is null ? WalletScenario.CreatePupilsAsync(db, count) : Task.FromResult(fixedPupils[..count]);
                // One round first, on its own form and parents, so that activations, pools and the JIT do not count.
                await RoundAsync(db, stock, await PupilsAsync(Math.Min(parents, 100)), spread, order, open);
                var latencies = new List<double>();
                var elapsed = 0.0;
                var sold = new List<long>();
                var consistent = true;
                for (var round = 0; round < rounds; round++)
                {
                    var result = await RoundAsync(db, stock, await PupilsAsync(parents), spread, order, open);
                    latencies.AddRange(result.Latencies);
                    elapsed += result.Seconds;
                    sold.Add(result.Sold);
                    consistent &= result.Consistent;
                    if (result.Sold != stock || !result.Consistent)
                    {
                        throw new InvalidOperationException($"{name}: {result.Sold} of {stock} sold, consistent: {result.Consistent}");
                    }
                }
                var sorted = latencies.Order().ToArray();
                var p99 = MealsScenario.Percentile(sorted, 0.99);
                baselineP99 ??= p99;
                var row = $"| {name} | {sorted.Length / elapsed:F0} | {MealsScenario.Percentile(sorted, 0.50):F2} | {p99:F2} | {sorted[^1]:F2} | " +
                    $"{string.Join(", ", sold.Distinct())} | {(consistent ? "yes" : "NO")} | {p99 / baselineP99.Value:F2} |";
                Console.Error.WriteLine(row);
                report.AppendLine(row);
            }
            return report.ToString();
        }
        finally
        {
            foreach (var (client, _) in sessions.Values)
            {
                client.Dispose();
            }
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The form's page as the parent's browser loads it (stock, wallet); the order key it carries.</summary>
    static async Task<string> OpenFormAsync((HttpClient Client, string Token) session, Guid form)
    {
        var page = await session.Client.GetStringAsync($"/e/demo/commandes/{form}");
        return Regex.Match(page, "name=\"Key\" value=\"([^\"]+)\"") is { Success: true } key
            ? key.Groups[1].Value
            : throw new InvalidOperationException("The form's page carries no order key: is the form open for this pupil?");
    }

    /// <summary>"Commander" for one T-shirt S at the price shown: a redirect to the summary when placed, the form again when refused.</summary>
    static async Task<bool> PostOrderAsync((HttpClient Client, string Token) session, Guid form, Guid pupil, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/e/demo/commandes/{form}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Key"] = key,
                ["Pupil"] = pupil.ToString(),
                ["q.TSHIRT"] = "1",
                ["o.TSHIRT"] = "S",
                ["ExpectedTotalCents"] = Price.ToString(),
            }),
        };
        request.Headers.Add("RequestVerificationToken", session.Token);
        using var response = await session.Client.SendAsync(request);
        return (int)response.StatusCode switch
        {
            302 or 303 => true,
            200 => false,
            var status => throw new InvalidOperationException($"The order endpoint answered {status}"),
        };
    }

    sealed record Round(double[] Latencies, double Seconds, long Sold, bool Consistent);

    /// <summary>A new form and new parents; every parent clicks at once; then what was sold and whether the money agrees.</summary>
    static async Task<Round> RoundAsync(NpgsqlDataSource db, int stock, Guid[] pupils, double spread, Func<Guid, Guid, string, Task<bool>> order,
        Func<Guid, Guid[], Task> open)
    {
        var form = await CreateFormAsync(db, stock);
        await open(form, pupils);
        var latencies = new double[pupils.Length];
        var started = Stopwatch.GetTimestamp();
        // All at once: every call leaves from this loop, none waiting for a pool thread to start it, so the harness adds no
        // queue of its own to what is measured. Spread: parent i clicks at i × S / P seconds.
        var clicks = pupils.Select((_, i) => spread > 0 ? ArriveAsync(i) : ClickAsync(i)).ToArray();
        await Task.WhenAll(clicks);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (sold, consistent) = await VerifyAsync(db, form, pupils);
        return new Round(latencies, seconds, sold, consistent);

        async Task ArriveAsync(int i)
        {
            await Task.Delay(TimeSpan.FromSeconds(spread * i / pupils.Length) - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            await ClickAsync(i);
        }

        async Task ClickAsync(int i)
        {
            var start = Stopwatch.GetTimestamp();
            await order(form, pupils[i], $"bench/{form}/{pupils[i]}");
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    }

    static async Task<Guid> CreateFormAsync(NpgsqlDataSource db, int stock)
    {
        var id = Guid.CreateVersion7();
        var today = SchoolTime.Day(DateTimeOffset.UtcNow);
        await using var command = db.CreateCommand("""
            INSERT INTO order_forms (id, school_id, kind, title, opens_on, closes_on, payment, compartment, created_by, created_at)
            VALUES (@id, @school, 'shop', 'Banc d''essai', @opens, @closes, 'wallet', 1, 'bench', now());
            INSERT INTO order_articles (form_id, code, label, price_cents, position) VALUES (@id, 'TSHIRT', 'T-shirt', @price, 1);
            INSERT INTO order_article_options (form_id, article_code, option, stock, position) VALUES (@id, 'TSHIRT', 'S', @stock, 1);
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("opens", today.AddDays(-1));
        command.Parameters.AddWithValue("closes", today.AddDays(30));
        command.Parameters.AddWithValue("price", Price);
        command.Parameters.AddWithValue("stock", stock);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>What an order endpoint would do in one transaction, without grains: the baseline.</summary>
    static async Task<bool> BaselineOrderAsync(NpgsqlDataSource db, Guid form, Guid pupil, string key)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The count is a statement of its own, after the lock: in one statement with the FOR UPDATE it would read the
        // snapshot from before the wait and sell one twice.
        await using (var option = new NpgsqlCommand("""
            SELECT stock FROM order_article_options WHERE form_id = @form AND article_code = 'TSHIRT' AND option = 'S' FOR UPDATE;
            SELECT COALESCE(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.form_id = @form AND o.status = 'placed' AND l.article_code = 'TSHIRT' AND l.option = 'S';
            """, connection, transaction))
        {
            option.Parameters.AddWithValue("form", form);
            await using var reader = await option.ExecuteReaderAsync();
            await reader.ReadAsync();
            var left = reader.GetInt32(0);
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (reader.GetInt64(0) >= left)
            {
                return false;
            }
        }
        long balance;
        await using (var purse = new NpgsqlCommand(
            "SELECT balance_cents FROM purse_compartments WHERE pupil_id = @pupil AND compartment = 1 FOR UPDATE", connection, transaction))
        {
            purse.Parameters.AddWithValue("pupil", pupil);
            balance = (long)(await purse.ExecuteScalarAsync())!;
        }
        if (balance < Price)
        {
            return false;
        }
        var id = Guid.CreateVersion7();
        await using var write = new NpgsqlCommand("""
            INSERT INTO orders (id, form_id, school_id, pupil_id, request_key, total_cents, payment, compartment, status, placed_by_kind,
                                placed_by_id, placed_at)
            VALUES (@id, @form, @school, @pupil, @key, @price, 'wallet', 1, 'placed', 'user', 'bench', now());
            INSERT INTO order_lines (order_id, position, article_code, option, label, quantity, unit_cents) VALUES (@id, 0, 'TSHIRT', 'S', 'T-shirt', 1, @price);
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method, subject_code,
                                        subject_args, caused_by_kind, caused_by_id, idempotency_key, occurred_at)
            VALUES (@school, @pupil, 1, -@price, @after, 'order', 'wallet', 'order_purchase', '["Banc d''essai"]', 'user', 'bench', @debit, now());
            UPDATE purse_compartments SET balance_cents = @after WHERE pupil_id = @pupil AND compartment = 1;
            """, connection, transaction);
        write.Parameters.AddWithValue("id", id);
        write.Parameters.AddWithValue("form", form);
        write.Parameters.AddWithValue("school", DemoSchool.Id);
        write.Parameters.AddWithValue("pupil", pupil);
        write.Parameters.AddWithValue("key", key.Length <= 100 ? key : key[^100..]);
        write.Parameters.AddWithValue("price", Price);
        write.Parameters.AddWithValue("debit", $"order/{id}");
        write.Parameters.AddWithValue("after", balance - Price);
        await write.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>What the form sold, and whether every order has its one debit of its total and every balance its ledger's sum.</summary>
    static async Task<(long Sold, bool Consistent)> VerifyAsync(NpgsqlDataSource db, Guid form, Guid[] pupils)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT COALESCE(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.form_id = @form AND o.status = 'placed'),
                   NOT EXISTS (SELECT 1 FROM orders o WHERE o.form_id = @form
                               AND (SELECT count(*) FROM ledger_entries e WHERE e.pupil_id = o.pupil_id AND e.idempotency_key = 'order/' || o.id::text
                                    AND e.amount_cents = -o.total_cents) <> 1)
               AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.pupil_id = ANY(@pupils) AND e.kind = 'order'
                               AND NOT EXISTS (SELECT 1 FROM orders o WHERE 'order/' || o.id::text = e.idempotency_key))
               AND NOT EXISTS (SELECT 1 FROM purse_compartments c WHERE c.pupil_id = ANY(@pupils) AND c.balance_cents
                               <> (SELECT sum(amount_cents) FROM ledger_entries l WHERE l.pupil_id = c.pupil_id AND l.compartment = c.compartment))
            """);
        command.Parameters.AddWithValue("form", form);
        command.Parameters.AddWithValue("pupils", pupils);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }
}