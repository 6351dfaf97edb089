using System.Globalization;
using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>
/// The class register and the family's list over HTTP, on the demo school: each test takes its own day, so that the
/// registers it writes meet no other test's. This class has its own node: the module goes off and on here.
/// </summary>
public sealed class AbsencePagesTests(WebNode web) : IClassFixture<WebNode>
{
    const string Register = "/e/demo/gestion/absences";

    DateOnly DaysAgo(int days) => SchoolDaysAgo.Of(web, days);

    static string Page(DateOnly day, string part, string className = "4B") => $"{Register}?Class={className}&Day={day:yyyy-MM-dd}&Part={part}";

    static Task<HttpResponseMessage> SaveAsync(HttpClient manager, DateOnly day, string part, string className, params Guid[] absent) =>
        Forms.PostAsync(manager, Page(day, part), Register,
            [("Class", className), ("Day", $"{day:yyyy-MM-dd}"), ("Part", part), .. absent.Select(id => ("Absent", id.ToString()))]);

    async Task<List<(Guid Id, Guid Pupil, string Part)>> RowsAsync(DateOnly day)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id, pupil_id, part FROM absences WHERE day = @day ORDER BY pupil_id, part");
        query.Parameters.AddWithValue("day", day);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<(Guid, Guid, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)));
        }
        return rows;
    }

    async Task<long> CountAsync(string sql, Guid pupil)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand(sql);
        query.Parameters.AddWithValue("pupil", pupil);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    static async Task<string> TextAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    [Fact]
    public async Task The_register_saves_the_ticked_pupils_saving_again_changes_nothing_and_unticking_removes()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, chloe) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Chloé"));
        var day = DaysAgo(20);
        var page = await TextAsync(manager, Page(day, "morning"));
        Assert.Contains($"value=\"{lucas}\"", page);
        Assert.Contains($"value=\"{chloe}\"", page);
        Assert.DoesNotContain($"value=\"{await DemoPupils.IdAsync(web, "Benoît")}\"", page);

        var saved = await SaveAsync(manager, day, "morning", "4B", lucas, chloe);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("Registre enregistré : 2 absents.", await TextAsync(manager, saved.Headers.Location!.OriginalString));
        var first = await RowsAsync(day);
        Assert.Equal(new[] { (lucas, "morning"), (chloe, "morning") }, first.Select(r => (r.Pupil, r.Part)).OrderBy(r => r.Pupil == chloe));

        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(manager, day, "morning", "4B", chloe, lucas, chloe)).StatusCode);
        Assert.Equal(first, await RowsAsync(day));

        var unticked = await SaveAsync(manager, day, "morning", "4B", chloe);
        Assert.Contains("Registre enregistré : 1 absent.", await TextAsync(manager, unticked.Headers.Location!.OriginalString));
        Assert.Equal(first.Where(r => r.Pupil == chloe).ToList(), await RowsAsync(day));
        Assert.Matches($"value=\"{chloe}\"[^>]*checked", await manager.GetStringAsync(Page(day, "morning")));
        Assert.DoesNotMatch($"value=\"{lucas}\"[^>]*checked", await manager.GetStringAsync(Page(day, "morning")));

        // The afternoon is a register of its own: nobody is absent there, and emptying it leaves the morning alone.
        Assert.DoesNotMatch("name=\"Absent\"[^>]*checked", await manager.GetStringAsync(Page(day, "afternoon")));
        var none = await SaveAsync(manager, day, "afternoon", "4B");
        Assert.Contains("Registre enregistré : aucun absent.", await TextAsync(manager, none.Headers.Location!.OriginalString));
        Assert.Equal(first.Where(r => r.Pupil == chloe).ToList(), await RowsAsync(day));
    }

    [Fact]
    public async Task A_pupil_of_another_class_or_school_forged_into_the_register_is_refused_and_nothing_is_written()
    {
        var otherSchool = Guid.NewGuid();
        var foreign = Guid.NewGuid();
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var insert = db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@school, @slug, 'Ailleurs');
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@pupil, @school, 'Zoé', 'Ailleurs', '4B');
            """))
        {
            insert.Parameters.AddWithValue("school", otherSchool);
            insert.Parameters.AddWithValue("slug", $"ailleurs-{otherSchool:N}");
            insert.Parameters.AddWithValue("pupil", foreign);
            await insert.ExecuteNonQueryAsync();
        }
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (chloe, benoit) = (await DemoPupils.IdAsync(web, "Chloé"), await DemoPupils.IdAsync(web, "Benoît"));
        var day = DaysAgo(21);
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(manager, day, "morning", "4B", chloe)).StatusCode);
        var before = await RowsAsync(day);

        foreach (var forged in new[] { benoit, foreign, Guid.NewGuid() })
        {
            var refused = await SaveAsync(manager, day, "morning", "4B", forged);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Un des élèves cochés n'est pas de cette classe : rien n'a été enregistré.",
                WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
            Assert.Equal(before, await RowsAsync(day));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SaveAsync(manager, day, "morning", "9Z", chloe)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(Page(day, "morning", "9Z"))).StatusCode);
        Assert.Equal(before, await RowsAsync(day));

        // A day still to come has no register yet.
        var tomorrow = ItSchool.Absences.SchoolDays.Next(SchoolTime.Today(web.Clock), 1);
        var future = await SaveAsync(manager, tomorrow, "morning", "4B", chloe);
        Assert.Contains("Le registre d'un jour à venir ne se prend pas encore", WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync()));
        Assert.Empty(await RowsAsync(tomorrow));
    }

    [Fact]
    public async Task A_parent_sees_the_open_childs_absences_only_newest_first_and_another_familys_child_is_not_found()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, chloe) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Chloé"));
        var (older, newer) = (DaysAgo(23), DaysAgo(22));
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(manager, older, "afternoon", "4B", lucas, chloe)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(manager, newer, "morning", "4B", lucas)).StatusCode);

        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var french = CultureInfo.GetCultureInfo("fr-BE");
        string Said(DateOnly day, string part) => $"{day.ToString("dddd d MMMM yyyy", french)}, {part}";
        var page = await TextAsync(marc, "/e/demo/absences");
        Assert.Contains(Said(older, "après-midi"), page);
        Assert.DoesNotContain(Said(newer, "matin"), page);
        // The demo's two absences of Chloé, newest first: a morning nobody explained, a day off sick before it.
        await Eventually.TrueAsync(async () => (await TextAsync(marc, "/e/demo/absences")).Contains("Maladie"));
        page = await TextAsync(marc, "/e/demo/absences");
        Assert.Contains("Non justifiée", page);
        var dates = System.Text.RegularExpressions.Regex.Matches(page, "data-absence=\"[^\"]+\"[^>]*>\\s*<div class=\"absence-main\">\\s*<span class=\"absence-when\">([^<]+)</span>")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(await CountAsync("SELECT count(*) FROM absences WHERE pupil_id = @pupil", chloe), dates.Count);
        var days = dates.Select(d => DateOnly.ParseExact(d[..d.LastIndexOf(", ", StringComparison.Ordinal)], "dddd d MMMM yyyy", french)).ToList();
        Assert.Equal(days.OrderDescending(), days);

        var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        var lucasPage = await TextAsync(pierre, "/e/demo/absences");
        Assert.Contains(Said(newer, "matin"), lucasPage);
        Assert.Contains(Said(older, "après-midi"), lucasPage);
        Assert.DoesNotContain("Maladie", lucasPage);

        var switched = await Forms.PostAsync(marc, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        Assert.Equal(HttpStatusCode.NotFound, switched.StatusCode);
        Assert.DoesNotContain(Said(newer, "matin"), await TextAsync(marc, "/e/demo/absences"));
        Assert.NotEqual(HttpStatusCode.OK, (await manager.GetAsync("/e/demo/absences")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await marc.GetAsync(Register)).StatusCode);
    }

    [Fact]
    public async Task With_the_module_off_both_pages_and_the_save_are_not_found_and_nothing_is_written()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var day = DaysAgo(24);
        var token = Forms.AntiforgeryToken(await manager.GetStringAsync(Page(day, "morning")));
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);

        await school.DisableModuleAsync(SchoolModule.Absences);
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(Page(day, "morning"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync("/e/demo/absences")).StatusCode);
            var posted = await manager.PostAsync(Register, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Class"] = "4B",
                ["Day"] = $"{day:yyyy-MM-dd}",
                ["Part"] = "morning",
                ["Absent"] = chloe.ToString(),
                ["__RequestVerificationToken"] = token,
            }));
            Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
            Assert.Empty(await RowsAsync(day));
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Absences);
        }
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(Page(day, "morning"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marc.GetAsync("/e/demo/absences")).StatusCode);
    }
}