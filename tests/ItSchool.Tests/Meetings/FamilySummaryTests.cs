using System.Globalization;
using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Management;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// "Récapitulatif de vos rendez-vous": the family's appointments of an evening as a PDF, listed in the child's documents.
/// Each test books on an evening of its own (a copy of the demo's), so that what one test opened does not read for another.
/// </summary>
public sealed class FamilySummaryTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const string Documents = "/e/demo/documents";

    MeetingEvenings Evenings => web.Services.GetRequiredService<MeetingEvenings>();

    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    async Task<MeetingEvening> EveningAsync(string name)
    {
        var demo = (await Evenings.ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");
        var evening = demo with { Id = Guid.CreateVersion7(), Name = name };
        await Evenings.CreateAsync(evening, web.Clock.GetUtcNow());
        return evening;
    }

    static MeetingTeacher Teacher(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name));

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var command = Db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        command.Parameters.AddWithValue("name", userName);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    async Task BookAsync(MeetingEvening evening, string parent, string child, string teacher, int slot)
    {
        var result = await Grains.Agenda(evening.Id, await UserIdAsync(parent)).BookAsync(Teacher(evening, teacher).TeacherId,
            await DemoPupils.IdAsync(web, child), slot);
        Assert.True(result.Done, result.Reason?.ToString());
    }

    async Task<long> ReadsAsync(MeetingEvening evening)
    {
        await using var command = Db.CreateCommand("SELECT count(*) FROM meeting_summary_reads WHERE evening_id = @evening");
        command.Parameters.AddWithValue("evening", evening.Id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static string Unread(MeetingEvening evening) => $"<strong class=\"document-title\">Récapitulatif de vos rendez-vous — {evening.Name}</strong>";

    static string Read(MeetingEvening evening) => $"<span class=\"document-title\">Récapitulatif de vos rendez-vous — {evening.Name}</span>";

    static string Summary(MeetingEvening evening) => $"/e/demo/reunions/{evening.Id}/recapitulatif.pdf";

    static async Task<string> PageAsync(HttpClient client, string path) => WebUtility.HtmlDecode(await client.GetStringAsync(path));

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

    /// <summary>A slot as the summary prints it: the date and both times of the school's own (Brussels) clock.</summary>
    static string When(MeetingEvening evening, int slot) =>
        $"{evening.SlotDay(slot).ToString("ddd d/M", CultureInfo.GetCultureInfo("fr-BE"))} {evening.SlotStart(slot):HH:mm}-{evening.SlotEnd(slot):HH:mm}";

    [Fact]
    public async Task The_parents_documents_list_the_summary_unread_until_opened_and_the_dashboard_card_shows_it()
    {
        var evening = await EveningAsync("Réunion des documents");
        await BookAsync(evening, "marc.dubois", "Chloé", "Sophie", 3);
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");

        var list = await PageAsync(marc, Documents);
        Assert.Contains(Unread(evening), list);
        Assert.Contains($"href=\"reunions/{evening.Id}/recapitulatif.pdf\"", list);
        Assert.Contains($"Récapitulatif de vos rendez-vous — {evening.Name}", await PageAsync(marc, "/e/demo/tableau-de-bord"));
        Assert.Contains($"href=\"reunions/{evening.Id}/recapitulatif.pdf\">Récapitulatif (PDF)</a>", await PageAsync(marc, "/e/demo/reunions"));
        Assert.Equal(0, await ReadsAsync(evening));

        using var pdf = await PdfAsync(await marc.GetAsync(Summary(evening)));

        list = await PageAsync(marc, Documents);
        Assert.Contains(Read(evening), list);
        Assert.DoesNotContain(Unread(evening), list);
        Assert.DoesNotContain($"Récapitulatif de vos rendez-vous — {evening.Name}", await PageAsync(marc, "/e/demo/tableau-de-bord"));
        Assert.Equal(1, await ReadsAsync(evening));
    }

    [Fact]
    public async Task The_PDF_lists_the_familys_appointments_in_time_order_with_teacher_room_child_and_who_booked_each()
    {
        var evening = await EveningAsync("Réunion du récapitulatif");
        await BookAsync(evening, "amelie.lefevre", "Lucas", "Sophie", 5);
        await BookAsync(evening, "pierre.lefevre", "Lucas", "Julien", 2);
        await BookAsync(evening, "amelie.lefevre", "Benoît", "Sophie", 8);
        // Another family's appointment at the same evening is not this family's to read.
        await BookAsync(evening, "marc.dubois", "Chloé", "Julien", 4);
        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");

        var response = await amelie.GetAsync(Summary(evening));

        using var pdf = await PdfAsync(response);
        Assert.Equal("recapitulatif-reunion-du-recapitulatif.pdf", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var lines = Lines(Assert.Single(pdf.GetPages()));
        Assert.Equal("École de démo", lines[0]);
        Assert.Equal("Récapitulatif de vos rendez-vous", lines[1]);
        Assert.Equal(evening.Name, lines[2]);
        Assert.Equal($"{evening.FirstDay.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("fr-BE"))} · 17:00-20:00", lines[3]);
        Assert.Equal("Date et heure Enseignant Lieu Élève Réservé par", lines[4]);
        Assert.Equal($"{When(evening, 2)} Julien Peeters Local 7 Lucas Lefèvre Pierre Lefèvre", lines[5]);
        Assert.Equal($"{When(evening, 5)} Sophie Martin Local 12 Lucas Lefèvre Amélie Lefèvre", lines[6]);
        Assert.Equal($"{When(evening, 8)} Sophie Martin Local 12 Benoît Lefèvre Amélie Lefèvre", lines[7]);
        Assert.Equal("17:20-17:30", When(evening, 2)[^11..]);
        Assert.DoesNotContain(lines, l => l.Contains("Chloé"));
        var printed = TimeZoneInfo.ConvertTime(web.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels"));
        Assert.StartsWith($"Récapitulatif de vos rendez-vous - {evening.Name} Imprimé le {printed:dd/MM/yyyy} à ", lines[8]);
        Assert.EndsWith("page 1/1", lines[8]);
        Assert.Equal(9, lines.Count);
    }

    [Fact]
    public async Task A_booking_after_the_opening_makes_the_summary_unread_again_and_opening_it_again_reads_it()
    {
        var evening = await EveningAsync("Réunion relue");
        await BookAsync(evening, "marc.dubois", "Chloé", "Sophie", 1);
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        using (await PdfAsync(await marc.GetAsync(Summary(evening))))
        {
            Assert.Contains(Read(evening), await PageAsync(marc, Documents));
        }

        await BookAsync(evening, "marc.dubois", "Chloé", "Julien", 6);

        Assert.Contains(Unread(evening), await PageAsync(marc, Documents));
        using var pdf = await PdfAsync(await marc.GetAsync(Summary(evening)));
        Assert.Contains(Lines(pdf.GetPage(1)), l => l.StartsWith($"{When(evening, 6)} Julien Peeters"));
        Assert.Contains(Read(evening), await PageAsync(marc, Documents));
        Assert.Equal(1, await ReadsAsync(evening));
    }

    [Fact]
    public async Task Another_familys_evening_a_child_without_appointments_a_forged_or_another_schools_evening_answer_404_and_mark_nothing()
    {
        var evening = await EveningAsync("Réunion des autres");
        await BookAsync(evening, "amelie.lefevre", "Benoît", "Sophie", 2);
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        // Amélie herself, in Geneviève's account: the appointment is Benoît's, not the open child's.
        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Geneviève");
        var school = await TestSchools.CreateAsync(Db);
        var stranger = Guid.NewGuid();
        var elsewhere = evening with { Id = Guid.CreateVersion7(), SchoolId = school, Name = "Ailleurs", Teachers = [new(stranger, "", null, ["4B"])] };
        await using (var insert = Db.CreateCommand("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role) VALUES (@id, @school, 'prof.recap', 'Prof', 'Ailleurs', 'teacher')
            """))
        {
            insert.Parameters.AddWithValue("id", stranger);
            insert.Parameters.AddWithValue("school", school);
            await insert.ExecuteNonQueryAsync();
        }
        await Evenings.CreateAsync(elsewhere, web.Clock.GetUtcNow());
        // Even an appointment of Chloé's there (written straight into the table) does not make another school's evening hers.
        await using (var forged = Db.CreateCommand("""
            INSERT INTO meeting_appointments (evening_id, teacher_id, slot, parent_id, pupil_id, booked_at) VALUES (@evening, @teacher, 0, @parent, @pupil, now())
            """))
        {
            forged.Parameters.AddWithValue("evening", elsewhere.Id);
            forged.Parameters.AddWithValue("teacher", stranger);
            forged.Parameters.AddWithValue("parent", await UserIdAsync("marc.dubois"));
            forged.Parameters.AddWithValue("pupil", await DemoPupils.IdAsync(web, "Chloé"));
            await forged.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync(Summary(evening))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync(Summary(evening))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync(Summary(elsewhere))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/reunions/{Guid.NewGuid()}/recapitulatif.pdf")).StatusCode);
        Assert.DoesNotContain(evening.Name, await PageAsync(marc, Documents));
        Assert.DoesNotContain("Ailleurs", await PageAsync(marc, Documents));
        Assert.DoesNotContain(evening.Name, await PageAsync(amelie, Documents));
        Assert.Equal(0, await ReadsAsync(evening));
        Assert.Equal(0, await ReadsAsync(elsewhere));

        var benoit = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Benoît");
        Assert.Equal(HttpStatusCode.OK, (await benoit.GetAsync(Summary(evening))).StatusCode);
    }

    [Fact]
    public async Task Without_the_meetings_module_the_summary_is_not_among_the_documents()
    {
        var evening = await EveningAsync("Réunion sans module");
        await BookAsync(evening, "marc.dubois", "Chloé", "Sophie", 7);
        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var school = Grains.GetGrain<ISchoolGrain>(DemoSchool.Id);
        Assert.Contains(Unread(evening), await PageAsync(marc, Documents));

        await school.DisableModuleAsync(SchoolModule.Meetings);
        try
        {
            Assert.DoesNotContain(evening.Name, await PageAsync(marc, Documents));
            Assert.DoesNotContain(evening.Name, await PageAsync(marc, "/e/demo/tableau-de-bord"));
            Assert.NotEqual(HttpStatusCode.OK, (await marc.GetAsync(Summary(evening))).StatusCode);
            Assert.Equal(0, await ReadsAsync(evening));
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Meetings);
        }
    }

    [Fact]
    public async Task In_a_browser_the_summary_is_bold_in_the_documents_and_downloads_from_the_meetings_page()
    {
        var evening = await EveningAsync("Réunion du navigateur");
        await BookAsync(evening, "marc.dubois", "Chloé", "Sophie", 0);
        await BookAsync(evening, "marc.dubois", "Chloé", "Julien", 3);
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await page.GotoAsync(new Uri(web.DemoSchool, "documents").ToString());
        var line = page.Locator(".document-list li").Filter(new() { HasText = evening.Name });
        await Assertions.Expect(line).ToHaveClassAsync("unread");
        await Assertions.Expect(line.Locator("strong")).ToHaveTextAsync($"Récapitulatif de vos rendez-vous — {evening.Name}");
        await Screens.SaveAsync(page, "documents-meeting-summary");

        await page.GotoAsync(new Uri(web.DemoSchool, "reunions").ToString());
        var appointments = page.Locator($"article[data-evening='{evening.Id}'] .my-appointments");
        await Screens.SaveAsync(page, "meetings-summary-link");
        var download = await page.RunAndWaitForDownloadAsync(() => appointments.GetByRole(AriaRole.Link, new() { Name = "Récapitulatif (PDF)" }).ClickAsync());
        Assert.Equal("recapitulatif-reunion-du-navigateur.pdf", download.SuggestedFilename);

        await page.GotoAsync(new Uri(web.DemoSchool, "documents").ToString());
        await Assertions.Expect(line).ToHaveClassAsync("read");
        await Assertions.Expect(line).ToContainTextAsync("ouvert le");
    }
}