using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meetings.MeetingGrids;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// Amélie and Pierre Lefèvre are both guardians of Benoît and Lucas: each sees what the other booked for
/// them, marked as the other's, and only the one who booked can change it. Marc Dubois, another family, sees
/// neither their names nor any mark.
/// </summary>
public sealed partial class HouseholdMeetingTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    async Task<(MeetingEvening Evening, Guid Sophie)> DemoEveningAsync()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id))
            .Single(e => e.Name == "Réunion de parents du printemps");
        return (evening, evening.Teachers.Single(t => t.Name.StartsWith("Sophie")).TeacherId);
    }


    static async Task<string> PageAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    /// <summary>The family list at the top of a page, without the grid below it.</summary>
    static string FamilyList(string html) => MyAppointments().Match(html).Value;

    /// <summary>The page's household: booking token → who booked, for which child.</summary>
    static Dictionary<string, string> Household(string html) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(HouseholdAttribute().Match(html).Groups[1].Value)!;

    static string BookingToken(string html, int slot) => Regex.Match(html, $"data-slot=\"{slot}\"[^>]*data-booking=\"([0-9a-f]+)\"").Groups[1].Value;

    [GeneratedRegex("<section id=\"my-appointments-.*?</section>", RegexOptions.Singleline)]
    private static partial Regex MyAppointments();

    [GeneratedRegex("data-household=\"(\\{.*?\\})\" data-move-text")]
    private static partial Regex HouseholdAttribute();

    [Fact]
    public async Task Each_guardian_sees_the_others_bookings_but_only_the_one_who_booked_changes_them_and_no_other_family_sees_them()
    {
        var (evening, sophie) = await DemoEveningAsync();
        var grid = $"/e/demo/reunions/{evening.Id}/enseignants/{sophie}";
        using var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        using var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Benoît");
        using var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");

        Assert.Contains("Rendez-vous réservé à 17:30 avec Sophie Martin", await Forms.HtmxPostAsync(pierre, grid, $"{grid}/reserver", ("Slot", "3")));
        Assert.Contains("Rendez-vous réservé à 17:20 avec Sophie Martin", await Forms.HtmxPostAsync(marc, grid, $"{grid}/reserver", ("Slot", "2")));

        // Amélie's own booking for Benoît: the answer's list has both children's appointments, hers and Pierre's.
        var answer = FamilyList(await Forms.HtmxPostAsync(amelie, grid, $"{grid}/reserver", ("Slot", "5")));
        Assert.Matches("class=\"own\"[^>]*>\\s*<strong>17:50–18:00</strong>", answer);
        Assert.Contains("Benoît Lefèvre", answer);
        Assert.Contains("Lucas Lefèvre · réservé par Pierre Lefèvre", Regex.Replace(Regex.Replace(answer, "<[^>]+>", " "), "\\s+", " "));
        Assert.Contains("seul le compte de Pierre Lefèvre peut le déplacer ou l'annuler", answer);
        Assert.DoesNotContain("Marc", answer);
        Assert.DoesNotContain("Chloé", answer);

        // The meetings page lists every child's appointments, whichever child is open: Geneviève's class is not
        // Sophie's, so the lines are there without a link to a grid that is not hers.
        using var amelieForGenevieve = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Geneviève");
        var meetings = FamilyList(await PageAsync(amelieForGenevieve, "/e/demo/reunions"));
        Assert.Contains("réservé par Pierre Lefèvre", meetings);
        Assert.Contains("Benoît Lefèvre", meetings);
        Assert.DoesNotContain($"enseignants/{sophie}", meetings);
        Assert.DoesNotContain("Chloé", meetings);

        // The grid marks Pierre's booking for Lucas as the family's (the page knows its token) and Marc's as nobody's.
        var amelieGrid = await PageAsync(amelie, grid);
        var household = Household(amelieGrid);
        Assert.Equal("Pierre, pour Lucas", household[BookingToken(amelieGrid, 3)]);
        Assert.False(household.ContainsKey(BookingToken(amelieGrid, 2)));
        Assert.False(household.ContainsKey(BookingToken(amelieGrid, 5)));
        Assert.Contains("Réservé par votre famille", amelieGrid);

        // Pierre's list shows it as his own; Amélie's booking for Benoît as hers.
        var pierreList = FamilyList(await PageAsync(pierre, grid));
        Assert.Contains("réservé par Amélie Lefèvre", pierreList);
        Assert.DoesNotContain("réservé par Pierre", pierreList);

        // Amélie cannot cancel or move Pierre's appointment: she is told whose it is, and nothing changes.
        var cancel = await Forms.HtmxPostAsync(amelie, grid, $"{grid}/annuler", ("Slot", "3"));
        Assert.Contains("Ce rendez-vous a été réservé par Pierre Lefèvre : seul son compte peut le déplacer ou l'annuler. Rien n'a été modifié.", cancel);
        Assert.Contains("class=\"alert\"", cancel);
        var move = await Forms.HtmxPostAsync(amelie, grid, $"{grid}/deplacer", ("From", "3"), ("To", "6"));
        Assert.Contains("Ce rendez-vous a été réservé par Pierre Lefèvre", move);
        var timetable = await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, sophie).GetGridAsync();
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        Assert.Equal(SlotState.Booked, timetable.Slots[3].State);
        Assert.Equal(lucas, timetable.Slots[3].PupilId);
        Assert.Equal(SlotState.Free, timetable.Slots[6].State);
        // Nor someone else's: Marc's slot gets the grain's own refusal, without a name.
        var foreign = await Forms.HtmxPostAsync(amelie, grid, $"{grid}/annuler", ("Slot", "2"));
        Assert.Contains("Ce rendez-vous n'est pas (ou plus) le vôtre", foreign);
        Assert.DoesNotContain("Marc", foreign);
        Assert.Equal(SlotState.Booked, (await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, sophie).GetGridAsync()).Slots[2].State);

        // Marc, another family: no Lefèvre names anywhere, no household to mark, only his own appointment.
        var marcGrid = await PageAsync(marc, grid);
        Assert.DoesNotContain("Lefèvre", marcGrid);
        Assert.DoesNotContain("Pierre", marcGrid);
        Assert.Empty(Household(marcGrid));
        var marcMeetings = await PageAsync(marc, "/e/demo/reunions");
        Assert.DoesNotContain("Lefèvre", marcMeetings);
        Assert.DoesNotContain("réservé par", FamilyList(marcMeetings));
        Assert.Contains("17:20–17:30", FamilyList(marcMeetings));

        // The list alone, as an open grid fetches it after a push: the open child's family only; an unknown evening is not found.
        var marcList = await PageAsync(marc, $"/e/demo/reunions/{evening.Id}/famille");
        Assert.Contains("17:20–17:30", marcList);
        Assert.DoesNotContain("Lefèvre", marcList);
        Assert.Contains("réservé par Pierre Lefèvre", await PageAsync(amelie, $"/e/demo/reunions/{evening.Id}/famille"));
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync($"/e/demo/reunions/{Guid.NewGuid()}/famille")).StatusCode);
    }

    [Fact]
    public async Task A_booking_by_the_other_guardian_appears_as_the_familys_on_an_open_grid_without_reload()
    {
        // Julien Peeters (who sees Lucas's class too): the family's limit with Sophie Martin is the first test's.
        var (evening, _) = await DemoEveningAsync();
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        var path = $"reunions/{evening.Id}/enseignants/{julien}";
        var amelie = await chromium.OpenMeetingPageAsync(web, "amelie.lefevre", "Lucas", path);
        var marc = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, path);
        using var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        var grid = $"/e/demo/{path}";

        Assert.Contains("Rendez-vous réservé à 19:00 avec Julien Peeters", await Forms.HtmxPostAsync(pierre, grid, $"{grid}/reserver", ("Slot", "12")));

        var family = Slot(amelie, 12);
        await Assertions.Expect(family).ToHaveClassAsync(new Regex("\\bfamily\\b"));
        await Assertions.Expect(family).Not.ToHaveClassAsync(new Regex("\\bmine\\b"));
        await Assertions.Expect(family.Locator(".state.family")).ToHaveTextAsync("Réservé par votre famille (Pierre, pour Lucas)");
        await Assertions.Expect(family.Locator(".state.family")).ToBeVisibleAsync();
        await Assertions.Expect(family.Locator(".taken")).ToBeHiddenAsync();
        await Assertions.Expect(family.Locator(".cancel")).ToBeHiddenAsync();
        // The family list above the grid follows: Pierre's appointment, marked as his.
        var line = amelie.Locator($".my-appointments li[data-teacher='{julien}'][data-slot='12']");
        await Assertions.Expect(line).ToHaveClassAsync("other-guardian");
        await Assertions.Expect(line).ToContainTextAsync("19:00–19:10");
        await Assertions.Expect(line).ToContainTextAsync("réservé par Pierre Lefèvre");
        await Assertions.Expect(marc.Locator(".my-appointments")).Not.ToContainTextAsync("Pierre");

        // Another family sees a taken slot, no mark and no name.
        await Assertions.Expect(Slot(marc, 12)).ToHaveClassAsync(new Regex("\\bbooked\\b"));
        await Assertions.Expect(Slot(marc, 12)).Not.ToHaveClassAsync(new Regex("\\bfamily\\b"));
        await Assertions.Expect(Slot(marc, 12).Locator(".taken")).ToBeVisibleAsync();
        await Assertions.Expect(Slot(marc, 12).Locator(".state.family")).ToBeHiddenAsync();
        await Assertions.Expect(Slot(marc, 12)).Not.ToContainTextAsync("Pierre");

        // Amélie cannot drag Pierre's appointment: no confirmation, the slot stays his.
        var from = (await family.BoundingBoxAsync())!;
        var to = (await Slot(amelie, 14).BoundingBoxAsync())!;
        await amelie.Mouse.MoveAsync(from.X + 12, from.Y + from.Height / 2);
        await amelie.Mouse.DownAsync();
        await amelie.Mouse.MoveAsync(to.X + to.Width / 2, to.Y + to.Height / 2, new() { Steps = 12 });
        await amelie.Mouse.UpAsync();
        await Assertions.Expect(amelie.Locator("#meeting-confirm")).ToBeHiddenAsync();
        await Assertions.Expect(Slot(amelie, 14)).ToHaveClassAsync(new Regex("\\bfree\\b"));

        // Pierre cancels: the slot turns green on both open grids, still without reload.
        Assert.Contains("Rendez-vous de 19:00 annulé", await Forms.HtmxPostAsync(pierre, grid, $"{grid}/annuler", ("Slot", "12")));
        await Assertions.Expect(family).ToHaveClassAsync(new Regex("\\bfree\\b"));
        await Assertions.Expect(family).Not.ToHaveClassAsync(new Regex("\\bfamily\\b"));
        await Assertions.Expect(Slot(marc, 12)).ToHaveClassAsync(new Regex("\\bfree\\b"));
        await Assertions.Expect(line).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_family_list_on_the_meetings_page_follows_the_other_guardians_booking_and_cancellation_without_reload()
    {
        var (evening, _) = await DemoEveningAsync();
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        var amelie = await chromium.SignInToDashboardAsync(web, "amelie.lefevre", "Lucas");
        var marc = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        foreach (var page in new[] { amelie, marc })
        {
            await page.GotoAsync(new Uri(web.DemoSchool, "reunions").ToString());
            await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
            // Gone if the page were loaded again.
            await page.EvaluateAsync("() => window.sameDocument = true");
        }
        using var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        var grid = $"/e/demo/reunions/{evening.Id}/enseignants/{julien}";

        Assert.Contains("Rendez-vous réservé à 19:40 avec Julien Peeters", await Forms.HtmxPostAsync(pierre, grid, $"{grid}/reserver", ("Slot", "16")));

        var line = amelie.Locator($"#my-appointments-{evening.Id:N} li[data-teacher='{julien}'][data-slot='16']");
        await Assertions.Expect(line).ToHaveClassAsync("other-guardian");
        await Assertions.Expect(line).ToContainTextAsync("19:40–19:50");
        await Assertions.Expect(line).ToContainTextAsync("Lucas Lefèvre");
        await Assertions.Expect(line).ToContainTextAsync("réservé par Pierre Lefèvre");
        Assert.True(await amelie.EvaluateAsync<bool>("() => window.sameDocument === true"));

        Assert.Contains("Rendez-vous de 19:40 annulé", await Forms.HtmxPostAsync(pierre, grid, $"{grid}/annuler", ("Slot", "16")));
        await Assertions.Expect(line).ToHaveCountAsync(0);
        Assert.True(await amelie.EvaluateAsync<bool>("() => window.sameDocument === true"));
        // Another family's list never showed it.
        await Assertions.Expect(marc.Locator(".my-appointments")).Not.ToContainTextAsync("Pierre");
        Assert.True(await marc.EvaluateAsync<bool>("() => window.sameDocument === true"));
    }
}