using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ItSchool.Tests.Meetings;

public sealed class MeetingPagesTests(WebNode web) : IClassFixture<WebNode>
{
    async Task<MeetingEvening> DemoEveningAsync() =>
        (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");

    static Guid TeacherId(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name)).TeacherId;

    static async Task<string> HtmxTextAsync(HttpClient client, string pageUrl, string actionUrl, params (string Name, string Value)[] fields) =>
        WebUtility.HtmlDecode(await (await HtmxPostAsync(client, pageUrl, actionUrl, fields)).Content.ReadAsStringAsync());

    static async Task<HttpResponseMessage> HtmxPostAsync(HttpClient client, string pageUrl, string actionUrl, params (string Name, string Value)[] fields)
    {
        var token = Forms.AntiforgeryToken(await client.GetStringAsync(pageUrl));
        var request = new HttpRequestMessage(HttpMethod.Post, actionUrl)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("HX-Request", "true");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_demo_evening_lists_the_childs_teachers_and_the_dashboard_shows_the_event()
    {
        var evening = await DemoEveningAsync();
        using var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Geneviève");

        var list = await amelie.GetStringAsync("/e/demo/reunions");
        Assert.Contains("Julien Peeters", list);
        Assert.DoesNotContain("Sophie Martin", list);
        var dashboard = await amelie.GetStringAsync("/e/demo/tableau-de-bord");
        Assert.Contains($"Réunion de parents : {evening.FirstDay:dd/MM/yyyy}", dashboard);

        // Geneviève's class (1C) is not Sophie Martin's: her grid is not this child's to book.
        var sophie = TeacherId(evening, "Sophie");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync($"/e/demo/reunions/{evening.Id}/enseignants/{sophie}")).StatusCode);
        var forged = await HtmxPostAsync(amelie, "/e/demo/reunions", $"/e/demo/reunions/{evening.Id}/enseignants/{sophie}/reserver", ("Slot", "0"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync($"/e/demo/reunions/{Guid.NewGuid()}/enseignants/{sophie}")).StatusCode);
        Assert.Equal(SlotState.Free, (await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, sophie).GetGridAsync()).Slots[0].State);
    }

    [Fact]
    public async Task Booking_moving_and_cancelling_by_http_each_send_a_mail_with_a_calendar_file()
    {
        var evening = await DemoEveningAsync();
        var julien = TeacherId(evening, "Julien");
        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var page = $"/e/demo/reunions/{evening.Id}/enseignants/{julien}";

        var booked = await HtmxPostAsync(marc, page, $"{page}/reserver", ("Slot", "2"));
        var html = WebUtility.HtmlDecode(await booked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        Assert.Contains("Rendez-vous réservé à 17:20 avec Julien Peeters", html);
        var mail = await web.Mail.WaitForMailToAsync("marc.dubois@example.be");
        Assert.Contains("17:20", mail.Subject);
        var calendar = mail.Attachments.OfType<MimePart>().Single(a => a.FileName == "rendez-vous.ics");
        using (var content = new MemoryStream())
        {
            await calendar.Content!.DecodeToAsync(content);
            var ics = System.Text.Encoding.UTF8.GetString(content.ToArray());
            Assert.Contains("BEGIN:VEVENT", ics);
            Assert.Contains("STATUS:CONFIRMED", ics);
            var start = MeetingCalendarTime(evening, 2);
            Assert.Contains($"DTSTART:{start}", ics);
        }

        // A malformed slot, then someone else's slot: a clear message, nothing changes.
        var malformed = await HtmxTextAsync(marc, page, $"{page}/reserver", ("Slot", "abc"));
        Assert.Contains("Ce créneau n'existe pas", malformed);
        var moved = await HtmxTextAsync(marc, page, $"{page}/deplacer", ("From", "2"), ("To", "5"));
        Assert.Contains("Rendez-vous déplacé de 17:20 à 17:50", moved);
        await web.Mail.WaitForAsync(m => m.Subject!.Contains("déplacé") && m.To.ToString().Contains("marc.dubois"));
        var cancelled = await HtmxTextAsync(marc, page, $"{page}/annuler", ("Slot", "5"));
        Assert.Contains("Rendez-vous de 17:50 annulé", cancelled);
        var cancelMail = await web.Mail.WaitForAsync(m => m.Subject!.Contains("annulé") && m.To.ToString().Contains("marc.dubois"));
        Assert.Contains(cancelMail.Attachments.OfType<MimePart>(), a => a.ContentType.MimeType == "text/calendar");
        Assert.DoesNotContain((await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, julien).GetGridAsync()).Slots,
            s => s.State == SlotState.Booked && s.ParentId is not null && s.Index is 2 or 5);
    }

    [Fact]
    public async Task A_teacher_sees_only_their_own_grid_and_a_parent_no_staff_grid()
    {
        var evening = await DemoEveningAsync();
        using var sophie = await SignedIn.AsAsync(web, "sophie.martin");
        var own = TeacherId(evening, "Sophie");
        var other = TeacherId(evening, "Julien");

        Assert.Contains(evening.Name, await sophie.GetStringAsync("/e/demo/reunions/mes-grilles"));
        Assert.Equal(HttpStatusCode.OK, (await sophie.GetAsync($"/e/demo/reunions/{evening.Id}/grilles/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sophie.GetAsync($"/e/demo/reunions/{evening.Id}/grilles/{own}/liste")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sophie.GetAsync($"/e/demo/reunions/{evening.Id}/grilles/{other}")).StatusCode);
        var forged = await HtmxPostAsync(sophie, "/e/demo/reunions/mes-grilles", $"/e/demo/reunions/{evening.Id}/grilles/{other}/pause", ("Slot", "1"), ("On", "true"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(SlotState.Free, (await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, other).GetGridAsync()).Slots[1].State);

        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/reunions/{evening.Id}/grilles/{other}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync("/e/demo/gestion/reunions")).StatusCode);
    }

    [Fact]
    public async Task The_manager_creates_an_evening_and_bad_input_creates_nothing()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var before = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Count;
        var evening = await DemoEveningAsync();
        var sophie = TeacherId(evening, "Sophie");

        var bad = await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions",
            ("Name", "Réunion de juin"), ("Day", "2027-06-10"), ("Starts", "19:00"), ("Ends", "18:00"), ("SlotMinutes", "10"),
            ("OpensAt", "2027-06-01T08:00"), ("ClosesAt", "2027-05-01T08:00"), ("MaxPerParentPerTeacher", "1"),
            ("Teacher", Guid.NewGuid().ToString()));
        var problems = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        Assert.Contains("heure de fin plus tardive", problems);
        Assert.Contains("la fermeture après l'ouverture", problems);
        Assert.Contains("pas un enseignant de l'école", problems);
        Assert.Equal(before, (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Count);

        var created = await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions",
            ("Name", "Réunion de juin"), ("Day", "2027-06-10"), ("Starts", "18:00"), ("Ends", "19:00"), ("SlotMinutes", "15"),
            ("OpensAt", "2027-06-01T08:00"), ("ClosesAt", "2027-06-09T20:00"), ("MaxPerPupil", "3"), ("MaxPerParentPerTeacher", "1"),
            ("GapBetween", "on"), ("Teacher", sophie.ToString()), ($"Classes-{sophie}", "6a, 4B"), ($"Room-{sophie}", "Local 3"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var june = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de juin");
        Assert.Equal(4, june.SlotCount);
        Assert.True(june.GapBetween);
        Assert.Equal(3, june.MaxPerPupil);
        Assert.Equal(["6A", "4B"], june.Teachers.Single().Classes);
        Assert.Equal(new DateTimeOffset(2027, 6, 1, 6, 0, 0, TimeSpan.Zero), june.OpensAt);
        var overview = await claire.GetStringAsync(created.Headers.Location!.ToString());
        Assert.Contains("Sophie Martin", overview);
        Assert.Equal(HttpStatusCode.NotFound, (await claire.GetAsync($"/e/demo/gestion/reunions/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task The_manager_books_moves_and_cancels_for_a_family_who_is_told_by_mail()
    {
        var evening = await DemoEveningAsync();
        var sophie = TeacherId(evening, "Sophie");
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/reunions/{evening.Id}/grilles/{sophie}";
        var families = await web.Services.GetRequiredService<MeetingEvenings>().FamiliesAsync(DemoSchool.Id, new MeetingTeacher(Guid.Empty, "", null, ["6A", "4B"]));
        var benoit = families.First(f => f.PupilName.StartsWith("Benoît") && f.ParentName.StartsWith("Pierre"));
        Assert.Contains($"{benoit.ParentId}:{benoit.PupilId}", await claire.GetStringAsync(page));

        Assert.Contains("Choisissez d'abord une famille", await HtmxTextAsync(claire, page, $"{page}/reserver", ("Slot", "8")));
        var genevieve = await DemoPupils.IdAsync(web, "Geneviève");
        Assert.Contains("ne reçoit pas les parents de cet élève",
            await HtmxTextAsync(claire, page, $"{page}/reserver", ("Slot", "8"), ("Family", $"{benoit.ParentId}:{genevieve}")));
        Assert.Contains("Rendez-vous de 18:20 réservé pour la famille",
            await HtmxTextAsync(claire, page, $"{page}/reserver", ("Slot", "8"), ("Family", $"{benoit.ParentId}:{benoit.PupilId}")));
        await web.Mail.WaitForAsync(m => m.To.ToString().Contains("pierre.lefevre") && m.Subject!.Contains("18:20"));
        Assert.Contains("Rendez-vous déplacé de 18:20 à 18:50", await HtmxTextAsync(claire, page, $"{page}/deplacer", ("From", "8"), ("To", "11")));
        Assert.Contains("Ce rendez-vous n'est pas (ou plus) le vôtre", await HtmxTextAsync(claire, page, $"{page}/annuler", ("Slot", "8")));
        Assert.Contains("Rendez-vous de 18:50 annulé ; le parent en est prévenu",
            await HtmxTextAsync(claire, page, $"{page}/annuler", ("Slot", "11")));
        await web.Mail.WaitForAsync(m => m.To.ToString().Contains("pierre.lefevre") && m.TextBody!.Contains("L'école a dû annuler"));
        Assert.Empty(await web.Services.GetRequiredService<IGrainFactory>().Agenda(evening.Id, benoit.ParentId).GetAppointmentsAsync());
    }

    static string MeetingCalendarTime(MeetingEvening evening, int slot) =>
        ItSchool.Web.Meetings.MeetingCalendar.Instant(evening, slot).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'");
}