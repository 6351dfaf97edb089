using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

using static ItSchool.Tests.PointOfSale.PosRequests;

namespace ItSchool.Tests.PointOfSale;

public sealed class PosApiTests(WebNode web) : IClassFixture<WebNode>
{
    const string Chloe = "04A1B2C3D4E504";

    HttpClient Terminal(string key = DemoPos.CanteenKey) => PosRequests.Terminal(web, key);

    async Task<long> BalanceAsync(string card)
    {
        using var terminal = Terminal();
        return (await terminal.GetFromJsonAsync<JsonElement>($"/api/pos/v1/cards/{card}")).GetProperty("balanceCents").GetInt64();
    }

    [Fact]
    public async Task A_sale_is_priced_by_the_school_debits_the_card_and_answers_201_with_the_new_balance()
    {
        var before = await BalanceAsync(Chloe);
        using var terminal = Terminal();
        var response = await terminal.SendAsync(Sale("till-1/0001", Body(Chloe, ("JUS", 2), ("POMME", 1))));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sale = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(230, sale.GetProperty("amountCents").GetInt64());
        Assert.Equal(before - 230, sale.GetProperty("balanceCents").GetInt64());
        Assert.Equal("Chloé", sale.GetProperty("firstName").GetString());
        Assert.Equal(before - 230, await BalanceAsync(Chloe));
    }

    [Fact]
    public async Task The_same_sale_id_with_the_same_body_gets_the_first_answer_and_with_another_body_409()
    {
        using var terminal = Terminal();
        var body = Body(Chloe, ("COLLATION", 1));
        var first = await terminal.SendAsync(Sale("till-1/0002", body));
        var firstBody = await first.Content.ReadAsStringAsync();
        var balance = await BalanceAsync(Chloe);

        var replays = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => terminal.SendAsync(Sale("till-1/0002", body))));
        foreach (var replay in replays)
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        }
        Assert.Equal(balance, await BalanceAsync(Chloe));

        var other = await terminal.SendAsync(Sale("till-1/0002", Body(Chloe, ("CASIER", 1))));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("idempotency_key_reused", (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(balance, await BalanceAsync(Chloe));
    }

    [Fact]
    public async Task The_same_sale_id_sent_for_two_cards_at_once_moves_money_once_and_the_other_request_hears_409()
    {
        var cards = new List<(Guid Pupil, string Card)>();
        foreach (var name in new[] { "Raceone", "Racetwo" })
        {
            var (pupil, _, _) = await TestPupils.InClassOfItsOwnAsync(web, name, "Test", "R", 10_000, 1, "marc.dubois");
            var card = $"RACE{Guid.NewGuid():N}"[..16].ToUpperInvariant();
            Assert.Null(await web.Services.GetRequiredService<Cards>().AssignAsync(DemoSchool.Id, pupil, card));
            cards.Add((pupil, card));
        }
        using var terminal = Terminal();
        var run = Guid.NewGuid().ToString("N")[..8];

        for (var i = 0; i < 20; i++)
        {
            var answers = await Task.WhenAll(cards.Select(c => terminal.SendAsync(Sale($"race-{run}-{i}", Body(c.Card, ("JUS", 1))))));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        }

        var purses = web.Services.GetRequiredService<IGrainFactory>();
        var spent = 0L;
        foreach (var (pupil, _) in cards)
        {
            spent += 10_000 - (await purses.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;
        }
        Assert.Equal(20 * 90, spent);
        // Every sale's answer was written with its debit: one answer per sale id, each naming its ledger entry.
        await using var count = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT count(*) FROM pos_sales s JOIN ledger_entries e ON e.id = s.ledger_entry_id
            WHERE s.idempotency_key LIKE @run AND s.status_code = 201 AND e.idempotency_key = 'pos/' || s.terminal_id || '/' || s.idempotency_key
            """);
        count.Parameters.AddWithValue("run", $"race-{run}-%");
        Assert.Equal(20L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Concurrent_sales_on_one_card_from_two_terminals_never_go_below_the_floor()
    {
        var (_, secondKey) = await web.Services.GetRequiredService<Terminals>().CreateAsync(DemoSchool.Id, "Économat", TerminalKind.Shop, 1);
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(benoit);
        var balance = (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;
        using var canteen = Terminal();
        using var shop = Terminal(secondKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            (i % 2 == 0 ? canteen : shop).SendAsync(Sale($"rush-{i}", Body("04A1B2C3D4E501", ("SANDWICH", 1))))));

        var sold = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(balance / 350, sold);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.PaymentRequired, r.StatusCode));
        Assert.Equal(balance - sold * 350, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents);
        Assert.True((await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents >= 0);
    }

    [Theory]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": [", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": []}", HttpStatusCode.UnprocessableEntity, "invalid_lines")]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": [{\"articleCode\": \"JUS\", \"quantity\": 0}]}", HttpStatusCode.UnprocessableEntity, "invalid_quantity")]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": [{\"articleCode\": \"JUS\", \"quantity\": -3}]}", HttpStatusCode.UnprocessableEntity, "invalid_quantity")]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": [{\"articleCode\": \"CAVIAR\", \"quantity\": 1}]}", HttpStatusCode.UnprocessableEntity, "unknown_article")]
    [InlineData("{\"cardUid\": \"04A1B2C3D4E504\", \"lines\": [{\"articleCode\": \"JUS\", \"quantity\": 1, \"unitPriceCents\": 1}]}", HttpStatusCode.UnprocessableEntity, "price_not_allowed")]
    [InlineData("{\"cardUid\": \"FFFFFFFFFFFF\", \"lines\": [{\"articleCode\": \"JUS\", \"quantity\": 1}]}", HttpStatusCode.NotFound, "unknown_card")]
    public async Task Bad_requests_get_a_problem_with_a_code_and_move_nothing(string json, HttpStatusCode status, string code)
    {
        var before = await BalanceAsync(Chloe);
        using var terminal = Terminal();
        var response = await terminal.SendAsync(Sale($"bad-{Guid.NewGuid()}", json));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await BalanceAsync(Chloe));
    }

    [Fact]
    public async Task A_sale_without_idempotency_key_or_with_a_wrong_key_is_refused()
    {
        using var terminal = Terminal();
        var noKey = await terminal.PostAsync("/api/pos/v1/sales", new StringContent(Body(Chloe, ("JUS", 1)), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);

        using var stranger = Terminal("itsk_not_a_real_key");
        var unknown = await stranger.SendAsync(Sale("x-1", Body(Chloe, ("JUS", 1))));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("Bearer", unknown.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_a_key_works_only_for_its_own_school()
    {
        var terminals = web.Services.GetRequiredService<Terminals>();
        var (shop, key) = await terminals.CreateAsync(DemoSchool.Id, "Distributeur", TerminalKind.Vending, 1);
        using var terminal = Terminal(key);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync($"/api/pos/v1/cards/{Chloe}")).StatusCode);

        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var other = db.CreateCommand("INSERT INTO schools (id, slug, name) VALUES (gen_random_uuid(), 'ailleurs', 'Ailleurs') ON CONFLICT DO NOTHING"))
        {
            await other.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await terminal.GetAsync($"/e/ailleurs/api/pos/v1/cards/{Chloe}")).StatusCode);

        Assert.True(await terminals.RevokeAsync(DemoSchool.Id, shop.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await terminal.GetAsync($"/api/pos/v1/cards/{Chloe}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await terminal.SendAsync(Sale("after-revoke", Body(Chloe, ("JUS", 1))))).StatusCode);
    }

    [Fact]
    public async Task A_sale_is_voided_the_same_day_by_a_new_opposite_entry_once()
    {
        using var terminal = Terminal();
        var sale = await (await terminal.SendAsync(Sale("till-1/void-me", Body(Chloe, ("SOUPE", 1))))).Content.ReadFromJsonAsync<JsonElement>();
        var id = sale.GetProperty("saleId").GetGuid();
        var afterSale = await BalanceAsync(Chloe);

        var first = await terminal.PostAsync($"/api/pos/v1/sales/{id}/void", null);
        var second = await terminal.PostAsync($"/api/pos/v1/sales/{id}/void", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(afterSale + 120, await BalanceAsync(Chloe));
        Assert.Equal(HttpStatusCode.NotFound, (await terminal.PostAsync($"/api/pos/v1/sales/{Guid.NewGuid()}/void", null)).StatusCode);

        var late = await (await terminal.SendAsync(Sale("till-1/too-late", Body(Chloe, ("SOUPE", 1))))).Content.ReadFromJsonAsync<JsonElement>();
        web.Clock.Advance(TimeSpan.FromDays(1));
        var refused = await terminal.PostAsync($"/api/pos/v1/sales/{late.GetProperty("saleId").GetGuid()}/void", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
    }

    [Fact]
    public async Task The_parents_sales_journal_shows_the_childs_purchases_with_filters()
    {
        using var terminal = Terminal();
        await terminal.SendAsync(Sale("journal/1", Body(Chloe, ("POMME", 3))));
        await terminal.SendAsync(Sale("journal/2", Body(Chloe, ("SANDWICH", 1))));
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");

        var all = await marc.GetStringAsync("/e/demo/finances/ventes");
        Assert.Contains("Pomme × 3", all);
        Assert.Contains("Sandwich au rosbif × 1", all);
        Assert.Contains("Cantine", all);
        var apples = await marc.GetStringAsync("/e/demo/finances/ventes?recherche=pomm");
        Assert.Contains("Pomme × 3", apples);
        Assert.DoesNotContain("Sandwich au rosbif × 1", apples);
        Assert.DoesNotContain("Pomme × 3", await marc.GetStringAsync("/e/demo/finances/ventes?portefeuille=2"));
        Assert.Contains("Pomme × 3", await marc.GetStringAsync("/e/demo/finances/ventes?portefeuille=1&terminal="));

        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync("/e/demo/finances/ventes")).StatusCode);
    }

    [Fact]
    public async Task Every_sale_in_the_ledger_is_a_terminals_sale_of_catalogue_articles_the_demos_history_included()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("""
            SELECT l.subject_code, l.subject_args::text, -l.amount_cents, l.occurred_at, s.amount_cents, s.created_at, s.lines::text
            FROM ledger_entries l LEFT JOIN pos_sales s ON s.ledger_entry_id = l.id AND s.status_code = 201
            WHERE l.kind = 'sale'
            """);
        var sales = new List<(LedgerSubject Subject, long Debited, DateTimeOffset At, long? Amount, DateTimeOffset? SoldAt, string? Lines)>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sales.Add((LedgerQueries.ReadSubject(reader.GetString(0), reader.GetString(1)), reader.GetInt64(2),
                    reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }
        Assert.Contains(sales, s => s.Subject == LedgerSubject.Sale([("Casier sans caution", 1)]));
        Assert.All(sales, sale =>
        {
            Assert.NotNull(sale.Lines);
            var lines = SaleLines.FromJson(sale.Lines);
            Assert.Equal(sale.Debited, sale.Amount);
            Assert.InRange((sale.At - sale.SoldAt!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.Equal(SaleLines.Subject(lines), sale.Subject);
            Assert.Equal(sale.Debited, lines.Sum(l => l.TotalCents));
            Assert.All(lines, line => Assert.Contains(DemoPos.Articles, a => a.Code == line.ArticleCode && a.Label == line.Label));
        });
        await using var orphans = db.CreateCommand(
            "SELECT count(*) FROM pos_sales s WHERE s.status_code = 201 AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.id = s.ledger_entry_id)");
        Assert.Equal(0L, await orphans.ExecuteScalarAsync());

        // What a parent reads: the sales journal and "Opérations financières" list the same sales, at the same moments.
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var journal = Rows(await marc.GetStringAsync("/e/demo/finances/ventes"),
            "<tr data-sale=\"[^\"]+\"[^>]*>\\s*<td>([^<]+)</td>.*?<td class=\"amount\">([^<]+)</td>");
        var operations = Rows(await marc.GetStringAsync("/e/demo/finances/operations?type=Sale"),
            "<tr data-entry=\"\\d+\">\\s*<td class=\"entry muted\"[^>]*>\\d+</td>\\s*<td class=\"when\"[^>]*>([^<]+)</td>.*?<td class=\"amount negative\"[^>]*>([^<]+)</td>");
        Assert.NotEmpty(journal);
        Assert.Equal(journal.Order(), operations.Order());
        Assert.Contains(journal, row => row.EndsWith("15,00 €", StringComparison.Ordinal));
        Assert.Contains("Vente Casier sans caution", WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/finances/operations?type=Sale")));

        static List<string> Rows(string html, string pattern) => Regex.Matches(WebUtility.HtmlDecode(html), pattern, RegexOptions.Singleline)
            .Select(m => $"{m.Groups[1].Value.Trim()} {m.Groups[2].Value.Trim().TrimStart('-', '\u2212')}".Replace('\u00a0', ' ').Replace('\u202f', ' '))
            .ToList();
    }

    [Fact]
    public async Task The_till_and_the_API_post_the_same_sale_so_the_API_replays_a_sale_the_till_made()
    {
        var before = await BalanceAsync(Chloe);
        using var karim = await SignedIn.AsAsync(web, "karim.benali");
        var saleId = $"till-{Guid.NewGuid()}";
        var verdict = await Forms.HtmxPostAsync(karim, "/e/demo/caisse", "/e/demo/caisse/vente", ("TerminalId", DemoPos.CanteenId.ToString()),
            ("SaleId", saleId), ("CardUid", Chloe), ("q.JUS", "2"), ("q.POMME", "1"), ("q.SOUPE", "0"));
        Assert.Contains("ACCEPTÉ", verdict);
        Assert.Equal(before - 230, await BalanceAsync(Chloe));

        // The terminal's API asked for the same sale under the same id: the same typed request, so the till's answer, once.
        using var terminal = Terminal();
        var replay = await terminal.SendAsync(Sale(saleId, Body(Chloe, ("JUS", 2), ("POMME", 1))));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var answer = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"name=\"SaleId\" value=\"{answer.GetProperty("saleId").GetGuid()}\"", verdict);
        Assert.Equal(230, answer.GetProperty("amountCents").GetInt64());
        Assert.Equal(before - 230, await BalanceAsync(Chloe));
        var other = await terminal.SendAsync(Sale(saleId, Body(Chloe, ("JUS", 1))));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);

        // And the other way round: the till replays what the API posted, and words the refusal for the cashier.
        var apiSale = $"api-{Guid.NewGuid()}";
        await terminal.SendAsync(Sale(apiSale, Body(Chloe, ("POMME", 1))));
        var again = await Forms.HtmxPostAsync(karim, "/e/demo/caisse", "/e/demo/caisse/vente", ("TerminalId", DemoPos.CanteenId.ToString()),
            ("SaleId", apiSale), ("CardUid", Chloe), ("q.POMME", "1"));
        Assert.Contains("ACCEPTÉ", again);
        Assert.Equal(before - 280, await BalanceAsync(Chloe));
        var reused = await Forms.HtmxPostAsync(karim, "/e/demo/caisse", "/e/demo/caisse/vente", ("TerminalId", DemoPos.CanteenId.ToString()),
            ("SaleId", apiSale), ("CardUid", Chloe), ("q.JUS", "1"));
        Assert.Contains("Cet identifiant de vente a déjà servi pour une autre vente.", reused);
    }

    [Fact]
    public async Task A_void_names_the_sales_articles_from_the_sale_itself_not_from_its_words()
    {
        using var terminal = Terminal();
        var sale = await (await terminal.SendAsync(Sale($"void-words-{Guid.NewGuid()}", Body(Chloe, ("JUS", 2), ("POMME", 1)))))
            .Content.ReadFromJsonAsync<JsonElement>();
        var voided = await terminal.PostAsync($"/api/pos/v1/sales/{sale.GetProperty("saleId").GetGuid()}/void", null);
        Assert.Equal(HttpStatusCode.OK, voided.StatusCode);

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand(
            "SELECT subject_code, subject_args::text FROM ledger_entries WHERE idempotency_key = @key OR id = @entry ORDER BY id");
        query.Parameters.AddWithValue("key", $"pos-void/{sale.GetProperty("saleId").GetGuid()}");
        query.Parameters.AddWithValue("entry", sale.GetProperty("entryId").GetInt64());
        var subjects = new List<LedgerSubject>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                subjects.Add(LedgerQueries.ReadSubject(reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.Equal([LedgerSubject.Sale([("Jus d'orange", 2), ("Pomme", 1)]), LedgerSubject.SaleVoid([("Jus d'orange", 2), ("Pomme", 1)])], subjects);
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var operations = WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/finances/operations?periode=Today&type=Cancellation"));
        Assert.Contains("Annulation : Jus d'orange ×2, Pomme", operations);
    }

    [Fact]
    public async Task The_API_is_described_in_an_OpenAPI_document()
    {
        using var client = web.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/pos-v1.json");
        var paths = document.GetProperty("paths");
        Assert.Equal(["/api/pos/v1/sales", "/api/pos/v1/sales/{saleId}/void", "/api/pos/v1/cards/{uid}"],
            paths.EnumerateObject().Select(p => p.Name));
        var answers = paths.GetProperty("/api/pos/v1/sales").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name);
        Assert.Equal(["201", "400", "401", "402", "403", "404", "409", "413", "422"], answers.Order());
    }

}