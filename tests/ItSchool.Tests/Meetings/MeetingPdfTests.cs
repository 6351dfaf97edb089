using System.Globalization;
using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Management;
using ItSchool.Tests.Rig;
using ItSchool.Web.Meetings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Playwright;
using Npgsql;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace ItSchool.Tests.Meetings;

public sealed class MeetingPdfTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const string Headings = "Heure Parent Élève Classe";

    MeetingEvenings Evenings => web.Services.GetRequiredService<MeetingEvenings>();

    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    async Task<MeetingEvening> DemoEveningAsync() => (await Evenings.ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");

    static MeetingTeacher Teacher(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name));

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var command = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT id FROM users WHERE user_name = @name");
        command.Parameters.AddWithValue("name", userName);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    async Task BookAsync(MeetingEvening evening, string parent, string child, string teacher, int slot)
    {
        var result = await Grains.Agenda(evening.Id, await UserIdAsync(parent)).BookAsync(Teacher(evening, teacher).TeacherId,
            await DemoPupils.IdAsync(web, child), slot);
        Assert.True(result.Done, result.Reason?.ToString());
    }

    static async Task<PdfDocument> PdfAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        return PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The page's text line by line, top to bottom, as a reader sees it.</summary>
    static List<string> Lines(Page page) =>
        page.GetWords().GroupBy(w => Math.Round(w.Letters[0].StartBaseLine.Y)).OrderByDescending(line => line.Key)
            .Select(line => string.Join(" ", line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))).ToList();

    static string Row(Page page, string time) => Assert.Single(Lines(page), l => l.StartsWith(time));

    [Fact]
    public async Task The_teachers_PDF_lists_each_slot_at_its_time_with_the_family_the_break_and_the_free_slots_light()
    {
        var evening = await DemoEveningAsync();
        var sophie = Teacher(evening, "Sophie");
        await BookAsync(evening, "marc.dubois", "Chloé", "Sophie", 2);
        await BookAsync(evening, "amelie.lefevre", "Benoît", "Sophie", 4);
        Assert.True((await Grains.Timetable(evening.Id, sophie.TeacherId).SetBreakAsync(1, true)).Done);
        using var client = await SignedIn.AsAsync(web, "sophie.martin");
        var grid = $"/e/demo/reunions/{evening.Id}/grilles/{sophie.TeacherId}";
        Assert.Contains($"grilles/{sophie.TeacherId}/liste.pdf", await client.GetStringAsync(grid));
        Assert.Contains($"grilles/{sophie.TeacherId}/liste.pdf", await client.GetStringAsync($"{grid}/liste"));

        var response = await client.GetAsync($"{grid}/liste.pdf");

        using var pdf = await PdfAsync(response);
        Assert.Equal("rendez-vous-reunion-de-parents-du-printemps-sophie-martin.pdf", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var page = Assert.Single(pdf.GetPages());
        var lines = Lines(page);
        Assert.Equal("École de démo", lines[0]);
        Assert.Equal(evening.Name, lines[1]);
        Assert.Equal("Sophie Martin · Lieu : Local 12", lines[2]);
        Assert.Equal($"{evening.FirstDay.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("fr-BE"))} · 17:00-20:00", lines[3]);
        Assert.Equal(Headings, lines[4]);
        Assert.Equal("17:00-17:10 Libre", Row(page, "17:00"));
        Assert.Equal("17:10-17:20 Pause", Row(page, "17:10"));
        Assert.Equal("17:20-17:30 Marc Dubois Chloé Dubois 4B", Row(page, "17:20"));
        Assert.Equal("17:40-17:50 Amélie Lefèvre Benoît Lefèvre 6A", Row(page, "17:40"));
        Assert.Equal("19:50-20:00 Libre", lines[^2]);
        Assert.Equal(evening.SlotCount, lines.Count(l => l.Length > 5 && l[2] == ':' && l[5] == '-'));

        // Free slots are printed light, the appointments in black.
        var free = page.GetWords().First(w => w.Text == "Libre").Letters[0].Color.ToRGBValues();
        var booked = page.GetWords().First(w => w.Text == "Marc").Letters[0].Color.ToRGBValues();
        Assert.True(free.r > 0.5, $"a free slot is printed in {free}");
        Assert.Equal((0d, 0d, 0d), booked);

        var printed = TimeZoneInfo.ConvertTime(web.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels"));
        Assert.StartsWith($"Sophie Martin - {evening.Name} Imprimé le {printed:dd/MM/yyyy} à ", lines[^1]);
        Assert.EndsWith("page 1/1", lines[^1]);
    }

    [Fact]
    public async Task A_list_longer_than_a_page_goes_on_with_the_column_headings_and_numbered_pages()
    {
        var demo = await DemoEveningAsync();
        var evening = demo with
        {
            Id = Guid.CreateVersion7(),
            Name = "Longue soirée",
            Starts = new TimeOnly(14, 0),
            Ends = new TimeOnly(19, 0),
            SlotMinutes = 5,
            Teachers = [Teacher(demo, "Sophie")],
        };
        await Evenings.CreateAsync(evening, web.Clock.GetUtcNow());
        using var client = await SignedIn.AsAsync(web, "sophie.martin");

        using var pdf = await PdfAsync(await client.GetAsync($"/e/demo/reunions/{evening.Id}/grilles/{evening.Teachers[0].TeacherId}/liste.pdf"));

        Assert.Equal(2, pdf.NumberOfPages);
        var (first, second) = (Lines(pdf.GetPage(1)), Lines(pdf.GetPage(2)));
        Assert.Contains(Headings, first);
        Assert.Equal("Longue soirée - Sophie Martin", second[0]);
        Assert.Equal(Headings, second[1]);
        Assert.EndsWith("page 1/2", first[^1]);
        Assert.EndsWith("page 2/2", second[^1]);
        var times = first.Concat(second).Where(l => l.Length > 5 && l[2] == ':' && l[5] == '-').Select(l => l[..5]).ToList();
        Assert.Equal(Enumerable.Range(0, evening.SlotCount).Select(s => evening.SlotStart(s).ToString("HH:mm")), times);
        Assert.StartsWith("14:00", first.First(l => l.Length > 5 && l[2] == ':'));
        Assert.StartsWith("18:55", second.Last(l => l.Length > 5 && l[2] == ':' && l[5] == '-'));
    }

    [Fact]
    public async Task Another_teacher_a_parent_a_forged_evening_or_another_schools_evening_get_no_PDF()
    {
        var evening = await DemoEveningAsync();
        var sophie = Teacher(evening, "Sophie").TeacherId;
        var list = $"/e/demo/reunions/{evening.Id}/grilles/{sophie}/liste.pdf";
        var db = web.Services.GetRequiredService<NpgsqlDataSource>();
        var school = await TestSchools.CreateAsync(db);
        var stranger = Guid.NewGuid();
        await using (var insert = db.CreateCommand("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role) VALUES (@id, @school, 'prof.ailleurs', 'Prof', 'Ailleurs', 'teacher')
            """))
        {
            insert.Parameters.AddWithValue("id", stranger);
            insert.Parameters.AddWithValue("school", school);
            await insert.ExecuteNonQueryAsync();
        }
        var elsewhere = evening with { Id = Guid.CreateVersion7(), SchoolId = school, Name = "Ailleurs", Teachers = [new(stranger, "", null, ["6A"])] };
        await Evenings.CreateAsync(elsewhere, web.Clock.GetUtcNow());

        using var julien = await SignedIn.AsAsync(web, "julien.peeters");
        Assert.Equal(HttpStatusCode.NotFound, (await julien.GetAsync(list)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await julien.GetAsync($"/e/demo/gestion/reunions/{evening.Id}/rendez-vous.pdf")).StatusCode);
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync(list)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/gestion/reunions/{evening.Id}/rendez-vous.pdf")).StatusCode);

        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync(list)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/e/demo/reunions/{Guid.NewGuid()}/grilles/{sophie}/liste.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/e/demo/reunions/{elsewhere.Id}/grilles/{sophie}/liste.pdf")).StatusCode);
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Equal(HttpStatusCode.OK, (await claire.GetAsync(list)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await claire.GetAsync($"/e/demo/gestion/reunions/{Guid.NewGuid()}/rendez-vous.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await claire.GetAsync($"/e/demo/gestion/reunions/{elsewhere.Id}/rendez-vous.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await claire.GetAsync($"/e/demo/reunions/{elsewhere.Id}/grilles/{stranger}/liste.pdf")).StatusCode);
    }

    /// <summary>What a page shows of one element: its text, tags gone and spaces folded.</summary>
    static string TextOf(string html, string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, pattern, System.Text.RegularExpressions.RegexOptions.Singleline)).Value),
            "<[^>]+>", " "), "\\s+", " ").Trim();

    [Fact]
    public async Task A_teachers_break_is_called_the_same_on_the_families_grid_the_teachers_grid_the_list_and_the_PDF()
    {
        var evening = await DemoEveningAsync();
        var julien = Teacher(evening, "Julien").TeacherId;
        Assert.True((await Grains.Timetable(evening.Id, julien).SetBreakAsync(9, true)).Done);
        using var teacher = await SignedIn.AsAsync(web, "julien.peeters");
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.Redirect,
            (await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Chloé")}")).StatusCode);
        var staffGrid = $"/e/demo/reunions/{evening.Id}/grilles/{julien}";
        const string slot = "<li class=\"slot break[^\"]*\"\\s+data-slot=\"9\".*?</li>";

        var families = await parent.GetStringAsync($"/e/demo/reunions/{evening.Id}/enseignants/{julien}");
        var staff = await teacher.GetStringAsync(staffGrid);
        var list = await teacher.GetStringAsync($"{staffGrid}/liste");
        using var pdf = await PdfAsync(await teacher.GetAsync($"{staffGrid}/liste.pdf"));

        Assert.Equal("18:30 Pause", TextOf(families, slot));
        Assert.Equal("18:30 Pause Rouvrir", TextOf(staff, slot));
        Assert.Equal("18:30–18:40 Pause", TextOf(list, "<tr class=\"break\" data-slot=\"9\">.*?</tr>"));
        Assert.Equal("18:30-18:40 Pause", Row(pdf.GetPage(1), "18:30"));
        Assert.All(new[] { families, staff, list }, html => Assert.DoesNotContain("ndisponible", html));
    }

    [Fact]
    public async Task The_managers_evening_PDF_has_a_section_per_teacher_each_on_its_own_pages()
    {
        var evening = await DemoEveningAsync();
        await BookAsync(evening, "amelie.lefevre", "Geneviève", "Julien", 6);
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Contains($"gestion/reunions/{evening.Id}/rendez-vous.pdf", await claire.GetStringAsync($"/e/demo/gestion/reunions/{evening.Id}"));

        var response = await claire.GetAsync($"/e/demo/gestion/reunions/{evening.Id}/rendez-vous.pdf");

        using var pdf = await PdfAsync(response);
        Assert.Equal("rendez-vous-reunion-de-parents-du-printemps.pdf", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        Assert.Equal(evening.Teachers.Count, pdf.NumberOfPages);
        for (var i = 0; i < evening.Teachers.Count; i++)
        {
            var lines = Lines(pdf.GetPage(i + 1));
            Assert.StartsWith(evening.Teachers[i].Name, lines[2]);
            Assert.Equal(Headings, lines[4]);
            Assert.EndsWith("page 1/1", lines[^1]);
        }
        var julien = evening.Teachers.ToList().FindIndex(t => t.Name.StartsWith("Julien")) + 1;
        Assert.Equal("18:00-18:10 Amélie Lefèvre Geneviève Lefèvre 1C", Row(pdf.GetPage(julien), "18:00"));
    }

    [Fact]
    public async Task The_teacher_and_the_manager_download_the_PDF_from_their_pages()
    {
        var evening = await DemoEveningAsync();
        var julien = Teacher(evening, "Julien").TeacherId;
        var teacher = await chromium.SignInAsync(web, "julien.peeters");
        await teacher.WaitForLandingAsync("julien.peeters");
        await teacher.GotoAsync(new Uri(web.DemoSchool, $"reunions/{evening.Id}/grilles/{julien}").ToString());
        var own = await DownloadAsync(teacher);
        Assert.Equal("rendez-vous-reunion-de-parents-du-printemps-julien-peeters.pdf", own.File);
        Assert.Equal("Julien Peeters · Lieu : Local 7", Lines(own.Pdf.GetPage(1))[2]);

        var manager = await chromium.SignInAsync(web, "claire.dupont");
        await manager.WaitForDashboardAsync();
        await manager.GotoAsync(new Uri(web.DemoSchool, $"gestion/reunions/{evening.Id}").ToString());
        var whole = await DownloadAsync(manager);
        Assert.Equal("rendez-vous-reunion-de-parents-du-printemps.pdf", whole.File);
        Assert.Equal(evening.Teachers.Count, whole.Pdf.NumberOfPages);
        own.Pdf.Dispose();
        whole.Pdf.Dispose();
    }

    static async Task<(string File, PdfDocument Pdf)> DownloadAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Télécharger en PDF" }).ClickAsync());
        return (download.SuggestedFilename, PdfDocument.Open(await File.ReadAllBytesAsync(await download.PathAsync())));
    }

    [Fact]
    public async Task An_evening_on_two_dates_has_a_heading_per_date_and_the_date_by_each_time()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-BE");
        var teacher = new MeetingTeacher(Guid.NewGuid(), "Prof Deux-Jours", null, ["5A"]);
        var evening = new MeetingEvening(Guid.NewGuid(), DemoSchool.Id, "Réunion sur deux jours", [new DateOnly(2027, 4, 8), new DateOnly(2027, 4, 9)],
            new TimeOnly(17, 0), new TimeOnly(21, 0), 5, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), null, 1, false, [teacher]);
        var parent = Guid.NewGuid();
        var slots = Enumerable.Range(0, evening.SlotCount).Select(i => i switch
        {
            1 => new Slot(i, SlotState.Booked, parent, Guid.NewGuid()),
            50 => new Slot(i, SlotState.Break),
            _ => new Slot(i, SlotState.Free),
        }).ToList();
        var line = new AppointmentLine(teacher.TeacherId, 1, parent, slots[1].PupilId!.Value, "Paul Durand", null, "Zoé Durand", "5A");

        var bytes = AppointmentListPdf.Render("École de test", evening,
            [new(teacher, new TimetableGrid(evening.Id, teacher.TeacherId, 1, slots), [line])], DateTimeOffset.UtcNow,
            web.Services.GetRequiredService<IStringLocalizer<MeetingText>>());

        using var pdf = PdfDocument.Open(bytes);
        var pages = pdf.GetPages().Select(Lines).ToList();
        Assert.Equal("jeudi 8 avril 2027 et vendredi 9 avril 2027 · 17:00-21:00", pages[0][3]);
        Assert.Equal("jeudi 8 avril 2027", pages[0][5]);
        Assert.StartsWith("jeu. 8/4 17:00-17:05", pages[0][6]);
        Assert.Equal("jeu. 8/4 17:05-17:10 Paul Durand Zoé Durand 5A", pages[0][7]);
        Assert.Equal("jeudi 8 avril 2027 (suite)", pages[1][2]);
        var friday = pages.SelectMany(p => p).ToList();
        var heading = friday.IndexOf("vendredi 9 avril 2027");
        Assert.True(heading > 0, "the second date has its heading");
        Assert.StartsWith("ven. 9/4 17:00-17:05", friday[heading + 1]);
        Assert.Equal("ven. 9/4 17:10-17:15 Pause", Assert.Single(friday, l => l.StartsWith("ven. 9/4 17:10")));
        Assert.Equal(evening.SlotCount, friday.Count(l => l.StartsWith("jeu. ") || l.StartsWith("ven. ")));
        Assert.All(pages, p => Assert.Contains(Headings, p));
    }
}