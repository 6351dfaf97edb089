using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.PointOfSale;

/// <summary>
/// Spending limits through HTTP as families and terminals meet them: the guardians' page sets them (within the school's
/// ceiling, only articles the school sells), the terminals' API refuses over them with its own codes, and the sales
/// journal shows each refusal.
/// </summary>
public sealed class SpendingLimitPosTests(WebNode web) : IClassFixture<WebNode>
{
    const string Limits = "/e/demo/portefeuille/limites";

    /// <summary>A child of Marc's with a card and 20 € in the canteen's compartment, open in a client signed in as Marc.</summary>
    async Task<(HttpClient Parent, Guid Pupil, string Card, string FirstName)> ChildWithCardAsync()
    {
        var (pupil, firstName, _) = await TestPupils.InClassOfItsOwnAsync(web, "Lim", "Dubois", "L", 2_000, 1, "marc.dubois");
        var card = $"LIM{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        Assert.Null(await web.Services.GetRequiredService<Cards>().AssignAsync(DemoSchool.Id, pupil, card));
        var parent = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{pupil}")).StatusCode);
        return (parent, pupil, card, firstName);
    }

    HttpClient Terminal() => PosRequests.Terminal(web);

    static HttpRequestMessage Sale(string saleId, string card, string article) => PosRequests.Sale(saleId, PosRequests.Body(card, (article, 1)));

    static (string, string)[] NoLimits(params (string, string)[] set) =>
        [.. SpendingLimitSettings.Scopes.SelectMany(s => new[] { ($"Daily{s}", ""), ($"Weekly{s}", "") }).Where(f => !set.Any(x => x.Item1 == f.Item1)), .. set];

    async Task<long> BalanceAsync(Guid pupil) =>
        (await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;

    [Fact]
    public async Task Over_the_canteen_limit_a_sale_gets_402_limit_exceeded_with_what_is_left_today_and_the_journal_shows_the_refusal()
    {
        var (parent, pupil, card, firstName) = await ChildWithCardAsync();
        var saved = await Forms.PostAsync(parent, Limits, Limits, NoLimits(("Daily1", "1,00")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using var terminal = Terminal();
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(Sale($"lim-{pupil}-1", card, "JUS"))).StatusCode);
        var refused = await terminal.SendAsync(Sale($"lim-{pupil}-2", card, "JUS"));
        var body = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("limit_exceeded", problem.GetProperty("code").GetString());
        Assert.Equal(10, problem.GetProperty("availableCents").GetInt64());
        Assert.Equal("daily", problem.GetProperty("period").GetString());
        Assert.Equal(firstName, problem.GetProperty("firstName").GetString());
        Assert.Equal($"Limite journalière de dépenses de {firstName} atteinte : 0,10 € restant aujourd'hui.", problem.GetProperty("title").GetString());
        // The retry gets the first answer (all but the request's own trace id), and no money moved.
        var retry = await terminal.SendAsync(Sale($"lim-{pupil}-2", card, "JUS"));
        Assert.Equal(HttpStatusCode.PaymentRequired, retry.StatusCode);
        Assert.Equal(WithoutTrace(body), WithoutTrace(await retry.Content.ReadAsStringAsync()));
        Assert.Equal(2_000 - 90, await BalanceAsync(pupil));

        var journal = WebUtility.HtmlDecode(await parent.GetStringAsync("/e/demo/finances/ventes"));
        Assert.Contains("refusé : limite", journal);
        Assert.Contains("data-refusal=\"limit_exceeded\"", journal);
    }

    [Fact]
    public async Task A_blocked_category_is_refused_with_403_article_not_allowed_and_other_articles_still_sell()
    {
        var (parent, pupil, card, _) = await ChildWithCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(parent, Limits, Limits, NoLimits(("Category", "Collations")))).StatusCode);

        using var terminal = Terminal();
        var refused = await terminal.SendAsync(Sale($"blk-{pupil}-1", card, "POMME"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("article_not_allowed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(Sale($"blk-{pupil}-2", card, "JUS"))).StatusCode);
        Assert.Equal(2_000 - 90, await BalanceAsync(pupil));
        Assert.Contains("refusé : article non autorisé", WebUtility.HtmlDecode(await parent.GetStringAsync("/e/demo/finances/ventes")));
    }

    [Fact]
    public async Task The_schools_ceiling_caps_what_guardians_may_choose_and_applies_to_children_without_a_limit()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        const string Ceilings = "/e/demo/gestion/caisses/plafonds";
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Ceilings, Ceilings, NoLimits(("Daily0", "5,00")))).StatusCode);
        try
        {
            var (parent, pupil, card, _) = await ChildWithCardAsync();
            var page = WebUtility.HtmlDecode(await parent.GetStringAsync(Limits));
            Assert.Contains("Plafond de l'école : 5,00 € par jour", page);

            var above = await Forms.PostAsync(parent, Limits, Limits, NoLimits(("Daily0", "8,00")));
            Assert.Equal(HttpStatusCode.OK, above.StatusCode);
            Assert.Contains("L'école plafonne ces achats", WebUtility.HtmlDecode(await above.Content.ReadAsStringAsync()));
            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM spending_limits WHERE pupil_id = @p", pupil));

            // Without a limit of their own the ceiling is the limit (a new purse reads it when it opens).
            using var terminal = Terminal();
            Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(Sale($"ceil-{pupil}-1", card, "SANDWICH"))).StatusCode);
            var refused = await terminal.SendAsync(Sale($"ceil-{pupil}-2", card, "SANDWICH"));
            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
            Assert.Equal(150, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("availableCents").GetInt64());
        }
        finally
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Ceilings, Ceilings, NoLimits())).StatusCode);
        }
    }

    [Theory]
    [InlineData("Daily1", "abc", "Un montant en euros")]
    [InlineData("Weekly2", "-3", "Un montant en euros")]
    [InlineData("Daily3", "5000", "Un montant en euros")]
    [InlineData("Article", "CAVIAR", "n'est pas vendu par l'école")]
    [InlineData("Category", "Alcools", "n'est pas vendu par l'école")]
    public async Task A_wrong_amount_or_an_article_the_school_does_not_sell_saves_nothing_and_says_why(string field, string value, string message)
    {
        var (parent, pupil, _, _) = await ChildWithCardAsync();
        var response = await Forms.PostAsync(parent, Limits, Limits, NoLimits(("Daily0", "4,00"), (field, value)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM spending_limits WHERE pupil_id = @p", pupil)
            + await CountAsync("SELECT count(*) FROM spending_blocks WHERE pupil_id = @p", pupil));
    }

    [Fact]
    public async Task Only_guardians_set_limits_only_managers_set_ceilings_and_a_school_without_tills_has_neither()
    {
        var canteen = await SignedIn.AsAsync(web, "karim.benali");
        Assert.NotEqual(HttpStatusCode.OK, (await canteen.GetAsync(Limits)).StatusCode);
        var (parent, _, _, _) = await ChildWithCardAsync();
        Assert.NotEqual(HttpStatusCode.OK, (await parent.GetAsync("/e/demo/gestion/caisses/plafonds")).StatusCode);
        Assert.Contains("portefeuille/limites", await parent.GetStringAsync("/e/demo/finances/soldes"));

        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        await school.DisableModuleAsync(SchoolModule.PointOfSale);
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync(Limits)).StatusCode);
            Assert.DoesNotContain("portefeuille/limites", await parent.GetStringAsync("/e/demo/finances/soldes"));
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.PointOfSale);
        }
    }

    static string WithoutTrace(string problem)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(problem)!;
        fields.Remove("traceId");
        return JsonSerializer.Serialize(fields);
    }

    async Task<long> CountAsync(string sql, Guid pupil)
    {
        await using var command = web.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("p", pupil);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}