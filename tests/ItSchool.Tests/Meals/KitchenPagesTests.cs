using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Meals;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace ItSchool.Tests.Meals;

/// <summary>The demo school with meals on, menus and bookings made the way parents make them (through the day's grain).</summary>
static class KitchenDemo
{
    public static readonly MealArticle Hot = new("CHAUD", "Repas chaud", 450, 2, Allergens.Milk | Allergens.Gluten, null);
    public static readonly MealArticle Sandwich = new("SANDWICH", "Sandwich au rosbif", 350, 2, Allergens.Gluten | Allergens.Mustard, null);
    public static readonly Actor Parent = new(ActorKind.User, "amelie.lefevre", "Amélie Lefèvre");

    public static MealMenus Menus(WebNode web) => web.Services.GetRequiredService<MealMenus>();

    public static IGrainFactory Grains(WebNode web) => web.Services.GetRequiredService<IGrainFactory>();

    public static DateOnly Today(WebNode web) => SchoolTime.Today(web.Clock);

    /// <summary>The module on, and bookings open until late at night, so that today's meals can be booked whenever the test runs.</summary>
    public static async Task OnAsync(WebNode web)
    {
        // The demo school has menus and bookings for four weeks: the node's clock moves past them, once, so that the
        // days these tests fill hold only their own articles and bookings.
        if (SchoolTime.Today(web.Clock) < SchoolTime.Today(TimeProvider.System).AddDays(35))
        {
            web.Clock.Advance(TimeSpan.FromDays(42));
        }
        await Grains(web).GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meals);
        Assert.True(await Menus(web).SetRulesAsync(DemoSchool.Id, new MealRules(28, new TimeOnly(23, 59), 0, null)));
        // Money in every child's meals compartment, once per node (the key makes a second top-up the same one).
        foreach (var child in new[] { "Benoît", "Lucas", "Geneviève", "Chloé" })
        {
            var pupil = await DemoPupils.IdAsync(web, child);
            Assert.True((await Grains(web).GetGrain<IPurseGrain>(pupil).CreditAsync(new Credit($"kitchen-tests/{pupil}", 2, 100_00, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        }
    }

    /// <summary>A page's text as a reader sees it: no tags, one space between words.</summary>
    public static string Text(string html) => WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), @"\s+", " ")).Trim();

    public static async Task MenuAsync(WebNode web, DateOnly day, params MealArticle[] articles) =>
        Assert.Null(await Menus(web).SetDayAsync(DemoSchool.Id, day, articles));

    public static async Task<MealBookingView> BookAsync(WebNode web, DateOnly day, string child, MealArticle article)
    {
        var result = await Grains(web).Day(DemoSchool.Id, day).BookAsync(
            new MealBooking(Guid.NewGuid().ToString(), await DemoPupils.IdAsync(web, child), article.Code, Parent));
        Assert.True(result.Booked, result.Refusal?.ToString());
        return result.Booking!;
    }
}

public sealed class KitchenPagesTests(WebNode web) : IClassFixture<WebNode>
{
    /// <summary>
    /// A day with three classes' bookings, one cancelled, and two pupils with allergies: Geneviève (1C, milk and
    /// peanuts) takes the hot meal, which contains milk; Chloé (4B, sesame) the sandwich, which has none.
    /// </summary>
    async Task<DateOnly> BookedDayAsync(int daysAhead)
    {
        await KitchenDemo.OnAsync(web);
        var day = KitchenDemo.Today(web).AddDays(daysAhead);
        // Allergies declared after the booking (a declared one would refuse it): what the kitchen must then be told.
        Assert.True(await KitchenDemo.Menus(web).SetAllergiesAsync(DemoSchool.Id, await DemoPupils.IdAsync(web, "Geneviève"), Allergens.None));
        await KitchenDemo.MenuAsync(web, day, KitchenDemo.Hot, KitchenDemo.Sandwich);
        await KitchenDemo.BookAsync(web, day, "Benoît", KitchenDemo.Hot);
        await KitchenDemo.BookAsync(web, day, "Geneviève", KitchenDemo.Hot);
        await KitchenDemo.BookAsync(web, day, "Chloé", KitchenDemo.Sandwich);
        await KitchenDemo.BookAsync(web, day, "Chloé", KitchenDemo.Hot);
        var cancelled = await KitchenDemo.BookAsync(web, day, "Lucas", KitchenDemo.Hot);
        Assert.Null((await KitchenDemo.Grains(web).Day(DemoSchool.Id, day).CancelAsync(cancelled.Id, Guid.NewGuid().ToString(), KitchenDemo.Parent)).Refusal);
        Assert.True(await KitchenDemo.Menus(web).SetAllergiesAsync(DemoSchool.Id, await DemoPupils.IdAsync(web, "Geneviève"), Allergens.Milk | Allergens.Peanuts));
        Assert.True(await KitchenDemo.Menus(web).SetAllergiesAsync(DemoSchool.Id, await DemoPupils.IdAsync(web, "Chloé"), Allergens.Sesame));
        return day;
    }

    static string Text(string html) => KitchenDemo.Text(html);

    /// <summary>A row of the counts table by its class, as its cells read.</summary>
    static string Row(string html, string className) =>
        Text(Regex.Match(html, $"<tr data-class=\"{className}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value);

    [Fact]
    public async Task The_kitchen_counts_each_article_per_class_with_totals_and_lists_the_allergic_pupils()
    {
        var day = await BookedDayAsync(3);
        using var client = await SignedIn.AsAsync(web, "karim.benali");

        var page = await client.GetStringAsync($"/e/demo/cuisine?jour={MealDays.Key(day)}");
        var section = Regex.Match(page, $"<section class=\"card kitchen-day\"[^>]*data-day=\"{MealDays.Key(day)}\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;

        Assert.Contains(KitchenPages.LongDate(day, SchoolTime.Culture), Text(section), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("1C 1 · 1", Row(section, "1C"));
        Assert.Equal("4B 1 1 2", Row(section, "4B"));
        Assert.Equal("6A 1 · 1", Row(section, "6A"));
        Assert.Equal("Total 3 1 4", Row(section, "total"));
        Assert.Contains("3 Repas chaud Servis 0 / 3", Text(section));
        Assert.Contains("1 Sandwich au rosbif Servis 0 / 1", Text(section));
        var allergies = Text(Regex.Match(section, "<ul class=\"kitchen-allergies\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal("Geneviève Lefèvre 1C Repas chaud Arachides, Lait dans ce repas : Lait "
            + "Chloé Dubois 4B Repas chaud Sésame Chloé Dubois 4B Sandwich au rosbif Sésame", allergies);
        // The page watches the day live, and the next day is shown below it.
        Assert.Contains($"data-live-topic=\"meal-day:{MealDays.Key(day)}\"", page);
        Assert.Contains($"data-day=\"{MealDays.Key(day.AddDays(1))}\"", page);

        // The region the live change reads again answers the same counts.
        var region = await client.GetStringAsync($"/e/demo/cuisine/jour/{MealDays.Key(day)}");
        Assert.Equal("Total 3 1 4", Row(region, "total"));
    }

    [Fact]
    public async Task Today_and_tomorrow_are_the_default_and_a_closed_day_says_so()
    {
        await KitchenDemo.OnAsync(web);
        var today = KitchenDemo.Today(web);
        var tomorrow = today.AddDays(1);
        await KitchenDemo.MenuAsync(web, tomorrow, KitchenDemo.Hot);
        await KitchenDemo.BookAsync(web, tomorrow, "Benoît", KitchenDemo.Hot);
        Assert.Equal(1, await KitchenDemo.Grains(web).Day(DemoSchool.Id, tomorrow).CloseAsync(ClosureReason.Strike));
        using var client = await SignedIn.AsAsync(web, "claire.dupont");

        var page = await client.GetStringAsync("/e/demo/cuisine");

        Assert.Contains($"Aujourd'hui · {KitchenPages.LongDate(today, SchoolTime.Culture)}", Text(page));
        Assert.Contains($"Demain · {KitchenPages.LongDate(tomorrow, SchoolTime.Culture)}", Text(page));
        Assert.Contains("Jour fermé : Grève", Text(page));
    }

    [Fact]
    public async Task The_PDF_prints_the_counts_and_the_allergy_list()
    {
        var day = await BookedDayAsync(4);
        using var client = await SignedIn.AsAsync(web, "karim.benali");

        var response = await client.GetAsync($"/e/demo/cuisine/{MealDays.Key(day)}.pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"repas-{MealDays.Key(day)}.pdf", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var pdf = PdfDocument.Open(bytes);
        var page = Assert.Single(pdf.GetPages());
        var lines = page.GetWords().GroupBy(w => Math.Round(w.Letters[0].StartBaseLine.Y)).OrderByDescending(l => l.Key)
            .Select(l => string.Join(" ", l.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))).ToList();
        Assert.Equal("École de démo", lines[0]);
        Assert.Equal($"Repas du {KitchenPages.LongDate(day, SchoolTime.Culture)}", lines[1]);
        Assert.Contains("3 Repas chaud Servis 0 / 3", lines);
        Assert.Contains("1 Sandwich au rosbif Servis 0 / 1", lines);
        Assert.Contains("Classe Repas chaud Sandwich au rosbif Total", lines);
        Assert.Contains("4B 1 1 2", lines);
        Assert.Contains("Total 3 1 4", lines);
        Assert.Contains("Geneviève Lefèvre 1C Repas chaud Arachides, Lait", lines);
        Assert.Contains("dans ce repas : Lait", lines);
        Assert.EndsWith("page 1/1", lines[^1]);
    }

    [Fact]
    public async Task The_CSV_has_the_counts_per_article_and_class_then_the_allergy_list()
    {
        var day = await BookedDayAsync(5);
        using var client = await SignedIn.AsAsync(web, "claire.dupont");

        var response = await client.GetAsync($"/e/demo/cuisine/{MealDays.Key(day)}.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal(
        [
            "\"Article\";\"Classe\";\"Réservés\";\"Servis\"",
            "\"Repas chaud\";\"1C\";1;0",
            "\"Repas chaud\";\"4B\";1;0",
            "\"Repas chaud\";\"6A\";1;0",
            "\"Repas chaud\";\"Total\";3;0",
            "\"Sandwich au rosbif\";\"4B\";1;0",
            "\"Sandwich au rosbif\";\"Total\";1;0",
            "\"Total\";\"Total\";4;0",
            "",
            "\"Élève\";\"Classe\";\"Repas\";\"Allergies déclarées\";\"Allergènes du repas\"",
            "\"Geneviève Lefèvre\";\"1C\";\"Repas chaud\";\"Arachides, Lait\";\"Lait\"",
            "\"Chloé Dubois\";\"4B\";\"Repas chaud\";\"Sésame\";",
            "\"Chloé Dubois\";\"4B\";\"Sandwich au rosbif\";\"Sésame\";",
            "",
        ], lines);
    }

    [Theory]
    [InlineData("marc.dubois")]
    [InlineData("julien.peeters")]
    public async Task Parents_and_teachers_are_refused_the_kitchen_its_PDF_and_CSV(string userName)
    {
        var day = MealDays.Key(await BookedDayAsync(6));
        using var client = await SignedIn.AsAsync(web, userName);

        foreach (var address in new[] { "/e/demo/cuisine", $"/e/demo/cuisine/jour/{day}", $"/e/demo/cuisine/{day}.pdf", $"/e/demo/cuisine/{day}.csv" })
        {
            var response = await client.GetAsync(address);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{address} as {userName}: {response.StatusCode}");
            Assert.DoesNotContain("Geneviève", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_forged_day_gets_a_clear_message_or_nothing()
    {
        await KitchenDemo.OnAsync(web);
        using var client = await SignedIn.AsAsync(web, "karim.benali");

        var page = await client.GetStringAsync("/e/demo/cuisine?jour=2026-02-31");

        Assert.Contains("« 2026-02-31 » n'est pas une date : voici les repas d'aujourd'hui.", Text(page));
        Assert.Contains($"Aujourd'hui · {KitchenPages.LongDate(KitchenDemo.Today(web), SchoolTime.Culture)}", Text(page));
        foreach (var forged in new[] { "2026-02-31.pdf", "demain.csv", "jour/..%2F..", "jour/1900-01-01", "<script>.pdf" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/e/demo/cuisine/{forged}")).StatusCode);
        }
    }

    [Fact]
    public async Task The_day_topic_is_the_watchers_own_school_and_only_for_the_kitchen()
    {
        await KitchenDemo.OnAsync(web);
        var topic = web.Services.GetServices<ItSchool.Web.Live.ILiveTopic>().OfType<MealDayLiveTopic>().Single();
        var day = KitchenDemo.Today(web);
        static SignedInUser User(Role role) => new(Guid.NewGuid(), DemoSchool.Id, "Karim", "Karim Benali", role, Guid.NewGuid(), null, null);

        var watch = await topic.AuthorizeAsync(User(Role.Canteen), MealDays.Key(day), default);

        Assert.Equal(MealsChanged.DayTopic(DemoSchool.Id, day), watch?.Topic);
        Assert.NotNull(await topic.AuthorizeAsync(User(Role.Manager), MealDays.Key(day), default));
        Assert.Null(await topic.AuthorizeAsync(User(Role.Parent), MealDays.Key(day), default));
        Assert.Null(await topic.AuthorizeAsync(User(Role.Teacher), MealDays.Key(day), default));
        // Another school's day cannot be named: the key is a day, and the school the watcher's own.
        Assert.Null(await topic.AuthorizeAsync(User(Role.Canteen), $"{Guid.NewGuid()}:{MealDays.Key(day)}", default));
        Assert.Null(await topic.AuthorizeAsync(User(Role.Canteen), "2026-13-01", default));
    }
}