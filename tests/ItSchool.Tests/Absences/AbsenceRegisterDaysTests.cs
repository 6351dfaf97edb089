using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Absences;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>The register on days without school, its day-to-day links, and the absences it shows but may not take back.</summary>
public sealed class AbsenceRegisterDaysTests(WebNode web) : IClassFixture<WebNode>
{
    const string Register = "/e/demo/gestion/absences";

    static string Page(DateOnly day, string part = "morning") => $"{Register}?Class=4B&Day={day:yyyy-MM-dd}&Part={part}";

    async Task<long> CountAsync(DateOnly day)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT count(*) FROM absences WHERE day = @day");
        query.Parameters.AddWithValue("day", day);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    DateOnly LastSaturday()
    {
        var day = SchoolTime.Today(web.Clock).AddDays(-7);
        while (day.DayOfWeek != DayOfWeek.Saturday)
        {
            day = day.AddDays(-1);
        }
        return day;
    }

    [Fact]
    public async Task A_saturday_or_a_sunday_register_is_refused_with_a_message_and_nothing_is_written()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        foreach (var day in new[] { LastSaturday(), LastSaturday().AddDays(1) })
        {
            var page = WebUtility.HtmlDecode(await manager.GetStringAsync(Page(day)));
            Assert.Contains("pas de cours le samedi ni le dimanche, donc pas de registre.", page);
            Assert.DoesNotContain("name=\"Absent\"", page);

            var saved = await Forms.PostAsync(manager, Page(SchoolDaysAgo.Of(web, 5)), Register,
                ("Class", "4B"), ("Day", $"{day:yyyy-MM-dd}"), ("Part", "morning"), ("Absent", chloe.ToString()));
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Contains("pas de cours le samedi ni le dimanche", WebUtility.HtmlDecode(await saved.Content.ReadAsStringAsync()));
            Assert.Equal(0, await CountAsync(day));
        }
    }

    [Fact]
    public async Task The_day_links_step_over_the_weekend_and_offer_no_day_to_come()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var friday = LastSaturday().AddDays(-1);
        var monday = friday.AddDays(3);
        static string Links(string page) => string.Join(" ", Regex.Matches(page, "<nav class=\"day-nav\"(.*?)</nav>", RegexOptions.Singleline).Select(m => m.Value));

        var fridayLinks = Links(await manager.GetStringAsync(Page(friday)));
        Assert.Contains($"Day={monday:yyyy-MM-dd}", fridayLinks);
        Assert.Contains($"Day={friday.AddDays(-1):yyyy-MM-dd}", fridayLinks);
        Assert.Contains($"Day={friday:yyyy-MM-dd}", Links(await manager.GetStringAsync(Page(monday))));

        var today = SchoolTime.Today(web.Clock);
        Assert.DoesNotContain($"Day={SchoolDays.Next(today, 1):yyyy-MM-dd}", Links(await manager.GetStringAsync(Page(today))));
    }

    [Fact]
    public async Task A_familys_report_shows_beside_the_pupil_and_the_register_cannot_take_it_back()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, chloe) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Chloé"));
        var day = SchoolDaysAgo.Of(web, 15);
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var insert = db.CreateCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, source, recorded_by, recorded_at)
            VALUES (gen_random_uuid(), @school, @pupil, @day, 'afternoon', 'report', 'Marc Dubois', now())
            """))
        {
            insert.Parameters.AddWithValue("school", DemoSchool.Id);
            insert.Parameters.AddWithValue("pupil", chloe);
            insert.Parameters.AddWithValue("day", day);
            await insert.ExecuteNonQueryAsync();
        }
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync(Page(day, "afternoon")));
        var line = Regex.Match(page, $"data-pupil=\"{chloe}\"(.*?)</li>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("signalé par les parents", line);
        Assert.Contains("disabled", line);
        Assert.DoesNotContain("name=\"Absent\"", line);
        Assert.DoesNotContain("signalé par les parents", WebUtility.HtmlDecode(await manager.GetStringAsync(Page(day, "morning"))));

        // Even a forged post that leaves her out, or ticks her, changes nothing of the family's report.
        var saved = await Forms.PostAsync(manager, Page(day, "afternoon"), Register, ("Class", "4B"), ("Day", $"{day:yyyy-MM-dd}"), ("Part", "afternoon"),
            ("Absent", lucas.ToString()), ("Absent", chloe.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Page(day, "afternoon"), Register,
            ("Class", "4B"), ("Day", $"{day:yyyy-MM-dd}"), ("Part", "afternoon"))).StatusCode);
        await using var read = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = read.CreateCommand("SELECT string_agg(source, ',') FROM absences WHERE day = @day AND pupil_id = @pupil");
        query.Parameters.AddWithValue("day", day);
        query.Parameters.AddWithValue("pupil", chloe);
        Assert.Equal("report", await query.ExecuteScalarAsync());
        Assert.Equal(1, await CountAsync(day));
    }
}