using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

public sealed partial class MealFeedTests(WebNode web) : IClassFixture<WebNode>
{
    static readonly Actor Marc = new(ActorKind.User, "marc.dubois", "Marc Dubois");

    [Fact]
    public async Task The_feed_lists_the_childs_booked_meals_and_drops_one_cancelled_since()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var address = await AddressAsync(marc);
        Assert.StartsWith(new Uri(web.BaseAddress, "/e/demo/repas/agenda/").ToString(), address);
        Assert.EndsWith(".ics", address);

        // A label with a comma and a semicolon, long enough to fold, on a day of the week after next.
        var today = SchoolTime.Today(web.Clock);
        var day = today.AddDays(14 - ((int)today.DayOfWeek + 6) % 7 + 2);
        const string label = "Fête de fin d'année, buffet froid; dessert glacé et boisson offerte aux élèves";
        Assert.Null(await web.Services.GetRequiredService<MealMenus>().SetDayAsync(DemoSchool.Id, day,
            [new MealArticle("FETE", label, 100, 2, Allergens.None, null)]));
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var booked = await grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking("feed-fete", chloe, "FETE", Marc));
        Assert.True(booked.Booked, booked.Refusal?.ToString());

        var response = await web.CreateClient().GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.All(raw.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.DoesNotContain('\n', raw.Replace("\r\n", ""));
        var calendar = raw.Replace("\r\n ", "");
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", calendar);
        Assert.Contains(@"SUMMARY:Repas : Fête de fin d'année\, buffet froid\; dessert glacé et boisson offerte aux élèves (Chloé)", calendar);
        Assert.Contains($"DTSTART;VALUE=DATE:{day:yyyyMMdd}", calendar);

        // Exactly the meals Chloé has booked (or pending) from 60 days back: not the refunded ones, nobody else's.
        var expected = await BookingIdsAsync(chloe, today, "status IN ('pending', 'booked')");
        Assert.Equal(expected.Select(id => $"UID:meal-{id:N}@itschool").Order(), Uids(calendar).Order());
        Assert.Contains(booked.Booking!.Id, expected);
        Assert.DoesNotContain(await BookingIdsAsync(chloe, today, "status NOT IN ('pending', 'booked')"), id => calendar.Contains($"{id:N}"));
        var school = (await web.Services.GetRequiredService<SchoolDirectory>().FindByIdAsync(DemoSchool.Id))!.Name;
        Assert.Equal(expected.Count, calendar.Split("\r\n").Count(l => l == $"LOCATION:{school.Replace(",", "\\,")}"));

        var cancelled = await grains.Day(DemoSchool.Id, day).CancelAsync(booked.Booking.Id, "feed-fete-cancel", Marc);
        Assert.Null(cancelled.Refusal);
        var after = await web.CreateClient().GetStringAsync(address);
        Assert.DoesNotContain($"{booked.Booking.Id:N}", after);
        Assert.Equal(expected.Count - 1, Uids(after.Replace("\r\n ", "")).Count());
    }

    [Fact]
    public async Task A_new_link_stops_the_old_one_at_once_and_a_wrong_token_is_not_found()
    {
        var parent = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Benoît");
        // The first visit draws the address and shows it.
        var first = FeedAddress().Match(await parent.GetStringAsync("/e/demo/repas/agenda")).Groups[1].Value;
        Assert.NotEmpty(first);
        var anonymous = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(first)).StatusCode);

        // A later visit cannot show the address again (only its hash is kept).
        var again = await (await parent.GetAsync("/e/demo/repas/agenda")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-feed-address", again);
        Assert.DoesNotContain(first, again);

        var second = await AddressAsync(parent);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(second)).StatusCode);

        var token = second[(second.LastIndexOf('/') + 1)..^4];
        var forged = (token[0] == 'A' ? "B" : "A") + token[1..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/e/demo/repas/agenda/{forged}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/e/demo/repas/agenda/abc.ics")).StatusCode);
    }

    [Fact]
    public async Task A_removed_guardian_a_deactivated_account_and_a_module_switched_off_close_the_feed()
    {
        var parent = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var address = await AddressAsync(parent);
        var anonymous = web.CreateClient();
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(address)).StatusCode);

        await ExecuteAsync("DELETE FROM guardianships WHERE pupil_id = @pupil AND user_id = (SELECT id FROM users WHERE user_name = 'amelie.lefevre')", lucas);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(address)).StatusCode);
        await ExecuteAsync("""
            INSERT INTO guardianships (school_id, user_id, pupil_id)
            SELECT school_id, id, @pupil FROM users WHERE user_name = 'amelie.lefevre'
            """, lucas);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(address)).StatusCode);

        await ExecuteAsync("UPDATE users SET deactivated_at = now() WHERE user_name = 'amelie.lefevre' AND @pupil IS NOT NULL", lucas);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(address)).StatusCode);
        await ExecuteAsync("UPDATE users SET deactivated_at = NULL WHERE user_name = 'amelie.lefevre' AND @pupil IS NOT NULL", lucas);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(address)).StatusCode);

        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        await school.DisableModuleAsync(SchoolModule.Meals);
        try
        {
            var off = await anonymous.GetAsync(address);
            Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
            Assert.NotEqual("text/calendar", off.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Meals);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(address)).StatusCode);
    }

    [Fact]
    public async Task Only_a_parent_with_the_child_open_gets_an_address()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.NotEqual(HttpStatusCode.OK, (await manager.GetAsync("/e/demo/repas/agenda")).StatusCode);
        var noChild = await SignedIn.AsAsync(web, "amelie.lefevre");
        var response = await noChild.GetAsync("/e/demo/repas/agenda");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await web.CreateClient().GetAsync("/e/demo/repas/agenda")).StatusCode);
        // A POST without the form's token draws nothing.
        var forged = await noChild.PostAsync("/e/demo/repas/agenda", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    /// <summary>A new address drawn with "Nouveau lien".</summary>
    static async Task<string> AddressAsync(HttpClient parent)
    {
        var page = await Forms.PostAsync(parent, "/e/demo/repas/agenda", "/e/demo/repas/agenda");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var address = FeedAddress().Match(html).Groups[1].Value;
        Assert.Contains($"webcal://{address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..]}", WebUtility.HtmlDecode(html));
        return address;
    }

    static IEnumerable<string> Uids(string calendar) => calendar.Split("\r\n").Where(l => l.StartsWith("UID:", StringComparison.Ordinal));

    async Task<List<Guid>> BookingIdsAsync(Guid pupil, DateOnly today, string condition)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand($"SELECT id FROM meal_bookings WHERE pupil_id = @pupil AND day >= @from AND {condition}");
        command.Parameters.AddWithValue("pupil", pupil);
        command.Parameters.AddWithValue("from", today.AddDays(-MealCalendarFeeds.DaysBack));
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    async Task ExecuteAsync(string sql, Guid pupil)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("pupil", pupil);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [GeneratedRegex("data-feed-address>([^<]+)<")]
    private static partial Regex FeedAddress();
}