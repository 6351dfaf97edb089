using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>
/// The school's views over HTTP on the demo school: unjustified half-days per class, a pupil's history, the export. The
/// absences are written straight into the table, each test on its own school days.
/// </summary>
public sealed class AbsenceReportsTests(WebNode web) : IClassFixture<WebNode>
{
    const string Unjustified = "/e/demo/gestion/absences/non-justifiees";

    DateOnly Day(int schoolDaysAgo) => SchoolDaysAgo.Of(web, schoolDaysAgo);

    async Task AddAsync(Guid pupil, DateOnly day, string part, string source, string? reason = null, short[]? periods = null)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var insert = db.CreateCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, periods, reason_code, source, recorded_by, recorded_at, import_key)
            VALUES (@id, @school, @pupil, @day, @part, @periods, @reason, @source, 'Test', now(), CASE WHEN @source = 'import' THEN @id::text END)
            """);
        insert.Parameters.AddWithValue("id", Guid.NewGuid());
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("pupil", pupil);
        insert.Parameters.AddWithValue("day", day);
        insert.Parameters.AddWithValue("part", part);
        insert.Parameters.Add(new NpgsqlParameter<short[]?>("periods", periods));
        insert.Parameters.Add(new NpgsqlParameter<string?>("reason", reason));
        insert.Parameters.AddWithValue("source", source);
        await insert.ExecuteNonQueryAsync();
    }

    static async Task<string> TextAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    static string Row(string page, Guid pupil) => Regex.Match(page, $"<tr data-pupil=\"{pupil}\"(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;

    static string Cell(string row, string label) => Regex.Match(row, $"data-label=\"{label}\"[^>]*>(.*?)</td>", RegexOptions.Singleline).Groups[1].Value.Trim();

    [Fact]
    public async Task The_unjustified_half_days_of_a_class_are_counted_as_the_school_counts_them_with_their_dates()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, chloe, benoit) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Chloé"), await DemoPupils.IdAsync(web, "Benoît"));
        var (first, second, third) = (Day(40), Day(39), Day(38));
        // Lucas: a day from the register and its morning again from an import (2), a justified afternoon (0), a partial morning (1).
        await AddAsync(lucas, first, "day", "register");
        await AddAsync(lucas, first, "morning", "import");
        await AddAsync(lucas, second, "afternoon", "report", "MALADIE");
        await AddAsync(lucas, third, "morning", "import", periods: [3, 4]);
        await AddAsync(benoit, first, "morning", "register");
        var url = $"{Unjustified}?Class=4B&From={first:yyyy-MM-dd}&To={third:yyyy-MM-dd}";

        var page = await TextAsync(manager, url);
        var row = Row(page, lucas);
        Assert.Equal("4", Cell(row, "Demi-jours d'absence"));
        Assert.Equal("3", Cell(row, "Demi-jours non justifiés"));
        Assert.Equal($"{first:dd/MM} (toute la journée), {third:dd/MM} (matin)", Cell(row, "Dates non justifiées"));
        Assert.Contains($"href=\"gestion/absences/eleves/{lucas}\"", row);
        Assert.Empty(Row(page, benoit));
        Assert.Empty(Row(page, chloe));

        // A partial half-day no longer counts once the school says so.
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, "/e/demo/gestion/absences/motifs", "/e/demo/gestion/absences/motifs/reglages",
            ("JustifyWithinDays", "3"), ("ReleaseAfterCutOff", "true"))).StatusCode);
        try
        {
            row = Row(await TextAsync(manager, url), lucas);
            Assert.Equal("3", Cell(row, "Demi-jours d'absence"));
            Assert.Equal("2", Cell(row, "Demi-jours non justifiés"));
        }
        finally
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, "/e/demo/gestion/absences/motifs", "/e/demo/gestion/absences/motifs/reglages",
                ("JustifyWithinDays", "3"), ("ReleaseAfterCutOff", "true"), ("PartialCountsAsHalfDay", "true"))).StatusCode);
        }

        // All classes: Benoît (6A) appears too; a period that leaves Lucas's days out shows him no more.
        Assert.Equal("1", Cell(Row(await TextAsync(manager, $"{Unjustified}?From={first:yyyy-MM-dd}&To={third:yyyy-MM-dd}"), benoit), "Demi-jours non justifiés"));
        Assert.Empty(Row(await TextAsync(manager, $"{Unjustified}?Class=4B&From={third.AddDays(1):yyyy-MM-dd}&To={third.AddDays(1):yyyy-MM-dd}"), lucas));
    }

    [Fact]
    public async Task The_list_starts_on_september_the_first_and_bad_filters_are_answered()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = await TextAsync(manager, Unjustified);
        var today = SchoolTime.Today(web.Clock);
        Assert.Contains($"name=\"From\" required value=\"{ItSchool.Absences.SchoolDays.SchoolYearStart(today):yyyy-MM-dd}\"", page);
        Assert.Contains($"name=\"To\" required value=\"{today:yyyy-MM-dd}\"", page);
        // The demo's Chloé has a morning nobody explained in the last school days.
        Assert.Contains(await DemoPupils.IdAsync(web, "Chloé") + "\"", page);

        Assert.Contains("La date de début est après la date de fin.", await TextAsync(manager, $"{Unjustified}?From=2026-10-10&To=2026-10-01"));
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"{Unjustified}?From=10/10/2026")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Unjustified}?Class=9Z")).StatusCode);
    }

    [Fact]
    public async Task A_pupils_history_shows_every_absence_with_its_source_and_another_schools_pupil_is_not_found()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var (first, second) = (Day(45), Day(44));
        await AddAsync(lucas, first, "morning", "import", "AUTRE", [2, 3]);
        await AddAsync(lucas, second, "day", "report", "FAMILLE");
        var page = await TextAsync(manager, $"/e/demo/gestion/absences/eleves/{lucas}");
        Assert.Contains("Absences de Lucas Lefèvre", page);
        Assert.Contains("matin (périodes 2, 3)", page);
        Assert.Contains("importé", page);
        Assert.Contains("signalé par les parents", page);
        Assert.Contains("Raison familiale", page);
        Assert.Matches("class=\"unjustified\"(.|\\n)*?Autre(.|\\n)*?Non justifiée", page);

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
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/absences/eleves/{foreign}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/absences/eleves/{Guid.NewGuid()}")).StatusCode);

        var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.NotEqual(HttpStatusCode.OK, (await marc.GetAsync($"/e/demo/gestion/absences/eleves/{lucas}")).StatusCode);
    }

    [Fact]
    public async Task The_export_is_a_belgian_excel_csv_of_the_periods_absences_of_a_class()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, benoit) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Benoît"));
        var day = Day(50);
        await AddAsync(lucas, day, "afternoon", "import", "MALADIE", [6, 7]);
        await AddAsync(benoit, day, "morning", "register");
        var url = $"/e/demo/gestion/absences/export.csv?Class=4B&From={day:yyyy-MM-dd}&To={day:yyyy-MM-dd}";

        var response = await manager.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"Classe\";\"Matricule\";\"Nom\";\"Prénom\";\"Date\";\"Moment\";\"Périodes\";\"Source\";\"Code motif\";\"Motif\";\"Justifiée\"", lines[0]);
        Assert.Equal($"\"4B\";;\"Lefèvre\";\"Lucas\";\"{day:dd/MM/yyyy}\";\"après-midi\";\"6, 7\";\"importé\";\"MALADIE\";\"Maladie\";\"oui\"", Assert.Single(lines[1..]));

        var all = Encoding.UTF8.GetString(await manager.GetByteArrayAsync(url.Replace("Class=4B&", "")));
        Assert.Contains("\"Benoît\"", all);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync($"/e/demo/gestion/absences/export.csv?From={day:yyyy-MM-dd}&To=2000-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/e/demo/gestion/absences/export.csv?From=hier")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url.Replace("Class=4B", "Class=9Z"))).StatusCode);
    }

    [Fact]
    public async Task With_the_module_off_the_views_the_history_and_the_export_are_not_found()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        string[] urls = [Unjustified, $"/e/demo/gestion/absences/eleves/{lucas}", "/e/demo/gestion/absences/export.csv", "/e/demo/gestion/absences/motifs",
            "/e/demo/gestion/absences/import"];
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        await school.DisableModuleAsync(SchoolModule.Absences);
        try
        {
            foreach (var url in urls)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url)).StatusCode);
            }
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Absences);
        }
        foreach (var url in urls)
        {
            Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(url)).StatusCode);
        }
    }
}