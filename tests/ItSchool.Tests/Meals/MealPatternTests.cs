using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>"Réserver plusieurs jours" over HTTP on the demo school's menus: the plan and its total, one booking and one debit per meal, all or nothing.</summary>
public sealed partial class MealPatternTests(WebNode web) : IClassFixture<WebNode>
{
    const string Page = "/e/demo/repas/plusieurs-jours";

    [GeneratedRegex("""name="Days" value="([0-9-]+)" """)]
    private static partial Regex PlannedDay();

    [GeneratedRegex("""name="Key" value="([0-9a-f]+)" """)]
    private static partial Regex KeyField();

    [GeneratedRegex("""name="Total" value="([0-9]+)" """)]
    private static partial Regex TotalField();

    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    DateOnly NextMonday
    {
        get
        {
            var today = SchoolTime.Today(web.Clock);
            return today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        }
    }

    static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    async Task<long> MealsBalanceAsync(string child) =>
        (await Grains.GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, child)).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents;

    static (string Key, long Total, string[] Days) Plan(string html) =>
        (KeyField().Match(html).Groups[1].Value, TotalField().Match(html) is { Success: true } total ? long.Parse(total.Groups[1].Value) : 0,
            PlannedDay().Matches(html).Select(m => m.Groups[1].Value).ToArray());

    static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string previewUrl, string key, string code, long total, IEnumerable<string> days) =>
        await Forms.PostAsync(client, previewUrl, Page,
            [("Key", key), ("Code", code), ("Total", total.ToString(CultureInfo.InvariantCulture)), .. days.Select(d => ("Days", d))]);

    [Fact]
    public async Task Two_weekdays_over_two_weeks_show_four_sandwiches_and_their_total_then_book_them_once_even_when_sent_twice()
    {
        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var url = $"{Page}?repas=SANDWICH&jour=1&jour=3&du={Iso(NextMonday)}&au={Iso(NextMonday.AddDays(13))}";
        var preview = WebUtility.HtmlDecode(await marc.GetStringAsync(url));
        var (key, total, days) = Plan(preview);
        Assert.Equal([Iso(NextMonday), Iso(NextMonday.AddDays(2)), Iso(NextMonday.AddDays(7)), Iso(NextMonday.AddDays(9))], days);
        Assert.Equal(4 * 320, total);
        Assert.Contains("Total : 12,80 €", preview);
        var before = await MealsBalanceAsync("Chloé");

        var done = WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "SANDWICH", total, days)).Content.ReadAsStringAsync());
        Assert.Contains("4 repas réservés pour Chloé", done);
        Assert.Equal(before - 1280, await MealsBalanceAsync("Chloé"));
        var again = WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "SANDWICH", total, days)).Content.ReadAsStringAsync());
        Assert.Contains("4 repas réservés pour Chloé", again);
        Assert.Equal(before - 1280, await MealsBalanceAsync("Chloé"));
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        Assert.Single(await Grains.Day(DemoSchool.Id, NextMonday.AddDays(2)).GetBookingsAsync(), b => b.PupilId == chloe && b.ArticleCode == "SANDWICH");

        // The same pattern again leaves out the days already booked.
        var twice = WebUtility.HtmlDecode(await marc.GetStringAsync(url));
        Assert.Empty(Plan(twice).Days);
        Assert.Contains("déjà réservé", twice);
    }

    [Fact]
    public async Task When_one_day_sells_out_before_the_confirmation_nothing_is_booked_and_nothing_is_debited()
    {
        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var from = NextMonday.AddDays(14);
        var url = $"{Page}?repas=POTAGE&jour=2&jour=4&du={Iso(from)}&au={Iso(from.AddDays(6))}";
        var (key, total, days) = Plan(WebUtility.HtmlDecode(await marc.GetStringAsync(url)));
        Assert.Equal(2, days.Length);
        var before = await MealsBalanceAsync("Chloé");

        // Meanwhile the soup of the pattern's last day is limited to one portion, which Benoît takes.
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var limit = db.CreateCommand($"UPDATE meal_articles SET capacity = 1 WHERE school_id = @school AND day = '{days[^1]}' AND code = 'POTAGE'"))
        {
            limit.Parameters.AddWithValue("school", DemoSchool.Id);
            Assert.Equal(1, await limit.ExecuteNonQueryAsync());
        }
        var last = DateOnly.ParseExact(days[^1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.True((await Grains.Day(DemoSchool.Id, last).BookAsync(new MealBooking("benoit-soup", await DemoPupils.IdAsync(web, "Benoît"), "POTAGE",
            new Actor(ActorKind.User, "test", null)))).Booked);

        var answer = WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "POTAGE", total, days)).Content.ReadAsStringAsync());
        Assert.Contains("Rien n'a été réservé", answer);
        Assert.Contains("il n'y a plus de portion", answer);
        Assert.Equal(before, await MealsBalanceAsync("Chloé"));
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var first = DateOnly.ParseExact(days[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.DoesNotContain(await Grains.Day(DemoSchool.Id, first).GetBookingsAsync(), b => b.PupilId == chloe && b.Holds);

        // Sent again, the undone confirmation books nothing either.
        var replay = WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "POTAGE", total, days)).Content.ReadAsStringAsync());
        Assert.Contains("déjà été traitée", replay);
        Assert.Equal(before, await MealsBalanceAsync("Chloé"));
    }

    [Fact]
    public async Task A_forged_total_day_or_article_books_nothing_and_says_the_menu_changed()
    {
        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var from = NextMonday.AddDays(7);
        var url = $"{Page}?repas=SANDWICH&jour=5&du={Iso(from)}&au={Iso(from.AddDays(6))}";
        var (key, total, days) = Plan(WebUtility.HtmlDecode(await marc.GetStringAsync(url)));
        var before = await MealsBalanceAsync("Chloé");

        Assert.Contains("ont changé", WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "SANDWICH", total - 100, days)).Content.ReadAsStringAsync()));
        Assert.Contains("ont changé", WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "SANDWICH", total, [Iso(from.AddDays(5))])).Content.ReadAsStringAsync()));
        Assert.Contains("Choisissez un repas", WebUtility.HtmlDecode(await (await ConfirmAsync(marc, url, key, "CAVIAR", total, days)).Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await ConfirmAsync(marc, url, "", "SANDWICH", total, days)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ConfirmAsync(marc, url, key, "SANDWICH", total, ["demain"])).StatusCode);
        Assert.Equal(before, await MealsBalanceAsync("Chloé"));
    }

    [Fact]
    public async Task A_day_whose_meal_holds_a_declared_allergen_is_left_out_with_the_reason_and_a_teacher_cannot_open_the_page()
    {
        using var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var today = SchoolTime.Today(web.Clock);
        var preview = WebUtility.HtmlDecode(await amelie.GetStringAsync(
            $"{Page}?repas=REPAS&jour=1&jour=2&jour=4&jour=5&du={Iso(today)}&au={Iso(today.AddDays(27))}"));
        Assert.Contains("contient un allergène déclaré", preview);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var satay = db.CreateCommand("SELECT day FROM meal_articles WHERE school_id = @school AND label LIKE 'Satay%' AND day > @today ORDER BY day LIMIT 1");
        satay.Parameters.AddWithValue("school", DemoSchool.Id);
        satay.Parameters.AddWithValue("today", today);
        var peanuts = (DateOnly)(await satay.ExecuteScalarAsync())!;
        Assert.Contains($"{peanuts.ToString("dddd d MMMM", SchoolTime.Culture)} — contient un allergène déclaré", preview);

        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.NotEqual(HttpStatusCode.OK, (await teacher.GetAsync(Page)).StatusCode);
    }
}