using System.Globalization;
using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ItSchool.Tests.Meetings;

/// <summary>The manager's evenings over several dates, changed and deleted through the pages.</summary>
public sealed class EveningAdminPagesTests(WebNode web) : IClassFixture<WebNode>
{
    MeetingEvenings Evenings => web.Services.GetRequiredService<MeetingEvenings>();
    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-BE");

    // Dates a month or more ahead, so the evenings are always still to come and their booking window open.
    static DateOnly Ahead(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30 + days);

    static string Field(DateOnly day) => day.ToString("yyyy-MM-dd");

    async Task<Guid> SophieAsync() =>
        (await Evenings.TeachersAsync(DemoSchool.Id)).Single(t => t.Name == "Sophie Martin").Id;

    static (string, string)[] Fields(Guid sophie, string name, string starts, params string[] days) =>
    [
        ("Name", name), .. days.Select(d => ("Day", d)), ("Starts", starts), ("Ends", "19:00"), ("SlotMinutes", "15"),
        ("OpensAt", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm")), ("ClosesAt", Field(Ahead(0)) + "T08:00"), ("MaxPerParentPerTeacher", "1"),
        ("Teacher", sophie.ToString()), ($"Classes-{sophie}", "4B"), ($"Room-{sophie}", "Local 3"),
    ];

    async Task<MeetingEvening> CreateAsync(HttpClient claire, string name, params string[] days)
    {
        var created = await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions",
            Fields(await SophieAsync(), name, "18:00", days));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return (await Evenings.ListAsync(DemoSchool.Id)).Single(e => e.Name == name);
    }

    async Task<HttpClient> MarcAsync()
    {
        var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.Redirect,
            (await Forms.PostAsync(marc, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Chloé")}")).StatusCode);
        return marc;
    }

    [Fact]
    public async Task An_evening_over_two_dates_shows_a_grid_per_date_to_the_parent()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var (first, second) = (Ahead(1), Ahead(2));
        var evening = await CreateAsync(claire, "Deux soirées", Field(second), Field(first), Field(first), "");

        Assert.Equal([first, second], evening.Days);
        Assert.Equal(8, evening.SlotCount);
        using var marc = await MarcAsync();
        var list = WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/reunions"));
        Assert.Contains($"{first.ToString("dddd d MMMM yyyy", French)} et {second.ToString("dddd d MMMM yyyy", French)}", list);
        var grid = WebUtility.HtmlDecode(await marc.GetStringAsync($"/e/demo/reunions/{evening.Id}/enseignants/{await SophieAsync()}"));
        Assert.Contains($"<h3 class=\"grid-day\">{first.ToString("dddd d MMMM", French)}</h3>", grid);
        Assert.Contains($"<h3 class=\"grid-day\">{second.ToString("dddd d MMMM", French)}</h3>", grid);
        Assert.Contains($"data-slot=\"4\" data-time=\"{second.ToString("ddd d/M", French)} 18:00\"", grid);
    }

    [Fact]
    public async Task An_unknown_class_or_a_room_longer_than_the_form_allows_is_named_and_creates_nothing()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var sophie = await SophieAsync();
        var fields = Fields(sophie, "Classe fantôme", "18:00", Field(Ahead(4)))
            .Select(f => f.Item1 == $"Classes-{sophie}" ? (f.Item1, "4B 9z") : f.Item1 == $"Room-{sophie}" ? (f.Item1, new string('L', 41)) : f)
            .ToArray();

        var refused = WebUtility.HtmlDecode(await (await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions", fields))
            .Content.ReadAsStringAsync());

        Assert.Contains("Pour Sophie Martin : aucune classe « 9Z » dans l'école.", refused);
        Assert.Contains("Le local de Sophie Martin compte 40 caractères au plus.", refused);
        Assert.DoesNotContain(await Evenings.ListAsync(DemoSchool.Id), e => e.Name == "Classe fantôme");
    }

    [Fact]
    public async Task A_teacher_can_see_the_parents_of_chosen_pupils_besides_whole_classes()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var sophie = await SophieAsync();
        (string, string)[] Chosen(string pupils) =>
            [.. Fields(sophie, "Élèves choisis", "18:00", Field(Ahead(6))).Where(f => f.Item1 != $"Classes-{sophie}"),
             ($"Classes-{sophie}", "6A"), ($"Pupils-{sophie}", pupils)];

        var refused = await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions", Chosen("Chloé Dubois\nPersonne Inconnue"));
        Assert.Contains("« Personne Inconnue » (pour Sophie Martin) n'est pas un élève de l'école",
            WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.DoesNotContain(await Evenings.ListAsync(DemoSchool.Id), e => e.Name == "Élèves choisis");

        var created = await Forms.PostAsync(claire, "/e/demo/gestion/reunions", "/e/demo/gestion/reunions", Chosen("dubois chloé (4b)"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var evening = (await Evenings.ListAsync(DemoSchool.Id)).Single(e => e.Name == "Élèves choisis");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        Assert.Equal([chloe], evening.Teachers.Single().Pupils);
        Assert.Contains("Chloé Dubois (4B)", WebUtility.HtmlDecode(await claire.GetStringAsync($"/e/demo/gestion/reunions/{evening.Id}/modifier")));

        // Chloé is in 4B, which Sophie does not see here: her parent books her by name all the same, Lucas's (4B) may not.
        using var marc = await MarcAsync();
        Assert.Contains("Sophie Martin", await marc.GetStringAsync("/e/demo/reunions"));
        var marcId = (await Evenings.FamiliesAsync(DemoSchool.Id, evening.Teachers.Single())).Single(f => f.PupilId == chloe).ParentId;
        Assert.True((await Grains.Agenda(evening.Id, marcId).BookAsync(sophie, chloe, 0)).Done);
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var pierre = (await Evenings.FamiliesAsync(DemoSchool.Id, new MeetingTeacher(sophie, "", null, ["4B"]))).First(f => f.PupilId == lucas).ParentId;
        Assert.Equal(Refusal.NotTheirTeacher, (await Grains.Agenda(evening.Id, pierre).BookAsync(sophie, lucas, 1)).Reason);
    }

    [Fact]
    public async Task The_manager_changes_an_evening_but_never_moves_a_booked_slot()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var evening = await CreateAsync(claire, "À changer", Field(Ahead(3)));
        var sophie = await SophieAsync();
        var edit = $"/e/demo/gestion/reunions/{evening.Id}/modifier";
        var form = WebUtility.HtmlDecode(await claire.GetStringAsync(edit));
        Assert.Contains("value=\"À changer\"", form);
        Assert.Contains($"value=\"{Field(Ahead(3))}\"", form);

        var changed = await Forms.PostAsync(claire, edit, edit, Fields(sophie, "Changée", "18:00", Field(Ahead(3)), Field(Ahead(4))));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var overview = WebUtility.HtmlDecode(await claire.GetStringAsync(changed.Headers.Location!.ToString()));
        Assert.Contains("La réunion est modifiée", overview);
        Assert.Equal(("Changée", 2), (await Evenings.FindAsync(evening.Id)) is { } saved ? (saved.Name, saved.Days.Count) : default);

        // Chloé's parent books 18:15 on the first date; starting at 17:30 instead would move that appointment.
        var family = (await Evenings.FamiliesAsync(DemoSchool.Id, new MeetingTeacher(Guid.Empty, "", null, ["4B"]))).First(f => f.PupilName.StartsWith("Chloé"));
        Assert.True((await Grains.Agenda(evening.Id, family.ParentId).BookAsync(sophie, family.PupilId, 1)).Done);
        var refused = await Forms.PostAsync(claire, edit, edit, Fields(sophie, "Plus tôt", "17:30", Field(Ahead(3)), Field(Ahead(4))));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Ce changement déplacerait 1 rendez-vous", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        var after = await Evenings.FindAsync(evening.Id);
        Assert.Equal(("Changée", new TimeOnly(18, 0)), (after!.Name, after.Starts));
        Assert.Equal(SlotState.Booked, (await Grains.Timetable(evening.Id, sophie).GetGridAsync()).Slots[1].State);

        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync(edit)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await claire.GetAsync($"/e/demo/gestion/reunions/{Guid.NewGuid()}/modifier")).StatusCode);
    }

    [Fact]
    public async Task Deleting_an_evening_cancels_its_appointments_and_tells_each_parent_once()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var evening = await CreateAsync(claire, "À supprimer", Field(Ahead(5)));
        var sophie = await SophieAsync();
        var family = (await Evenings.FamiliesAsync(DemoSchool.Id, new MeetingTeacher(Guid.Empty, "", null, ["4B"]))).First(f => f.PupilName.StartsWith("Chloé"));
        Assert.True((await Grains.Agenda(evening.Id, family.ParentId).BookAsync(sophie, family.PupilId, 2)).Done);
        var page = $"/e/demo/gestion/reunions/{evening.Id}/supprimer";
        Assert.Contains("1 rendez-vous seront annulés", WebUtility.HtmlDecode(await claire.GetStringAsync(page)));

        var deleted = await Forms.PostAsync(claire, page, page);
        Assert.Contains("1 rendez-vous annulé(s)", WebUtility.HtmlDecode((await WorkResults.FollowAsync(claire, deleted)).Html));
        var mail = await web.Mail.WaitForAsync(m => m.To.ToString().Contains("marc.dubois") && m.TextBody!.Contains("L'école a dû annuler")
            && m.TextBody.Contains("18:30"));
        Assert.Contains(mail.Attachments.OfType<MimePart>(), a => a.ContentType.MimeType == "text/calendar");
        Assert.Null(await Evenings.FindAsync(evening.Id));
        Assert.DoesNotContain("À supprimer", await claire.GetStringAsync("/e/demo/gestion/reunions"));

        using var marc = await MarcAsync();
        Assert.DoesNotContain("À supprimer", await marc.GetStringAsync("/e/demo/reunions"));
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/reunions/{evening.Id}/enseignants/{sophie}")).StatusCode);
        // Sent again (a double click, a replayed form): nothing is left to delete, and nobody is told twice.
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(claire, "/e/demo/gestion/reunions", page)).StatusCode);
        Assert.Equal(1, web.Mail.Received.Count(m => m.TextBody!.Contains("L'école a dû annuler") && m.TextBody.Contains("18:30")));
    }
}