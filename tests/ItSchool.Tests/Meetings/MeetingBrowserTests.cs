using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meetings.MeetingGrids;

namespace ItSchool.Tests.Meetings;

public sealed class MeetingBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    async Task<MeetingEvening> DemoEveningAsync() =>
        (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");

    static Guid TeacherId(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name)).TeacherId;



    static async Task DragAsync(IPage page, ILocator from, ILocator to)
    {
        var start = (await from.BoundingBoxAsync())!;
        var end = (await to.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(start.X + 12, start.Y + start.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(end.X + end.Width / 2, end.Y + end.Height / 2, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    [Fact]
    public async Task A_parent_books_by_click_moves_by_drag_and_cancels_with_the_cross_while_the_teacher_watches()
    {
        var evening = await DemoEveningAsync();
        var julien = TeacherId(evening, "Julien");
        var teacher = await chromium.OpenMeetingPageAsync(web, "julien.peeters", null, $"reunions/{evening.Id}/grilles/{julien}");
        var parent = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{julien}");

        await Slot(parent, 1).GetByRole(AriaRole.Button, new() { Name = "Réserver le créneau de 17:10" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));
        await Assertions.Expect(parent.Locator("#meeting-message")).ToContainTextAsync("Rendez-vous réservé à 17:10 avec Julien Peeters");
        await Assertions.Expect(parent.Locator(".my-appointments")).ToContainTextAsync("17:10–17:20");
        await Assertions.Expect(Slot(teacher, 1)).ToContainTextAsync("Marc Dubois");
        await Assertions.Expect(Slot(teacher, 1)).ToContainTextAsync("Chloé Dubois (4B)");

        await DragAsync(parent, Slot(parent, 1), Slot(parent, 4));
        var confirm = parent.Locator("#meeting-confirm");
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await Assertions.Expect(confirm).ToContainTextAsync("Déplacer le rendez-vous de 17:10 à 17:40 ?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 4)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));
        await Assertions.Expect(Slot(parent, 1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        await Assertions.Expect(Slot(teacher, 4)).ToContainTextAsync("Marc Dubois");
        await Assertions.Expect(Slot(teacher, 1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));

        await Slot(parent, 4).GetByRole(AriaRole.Button, new() { Name = "Annuler le rendez-vous de 17:40" }).ClickAsync();
        await Assertions.Expect(confirm).ToContainTextAsync("Annuler le rendez-vous de 17:40 ?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 4)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        await Assertions.Expect(Slot(teacher, 4)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        await Assertions.Expect(parent.Locator(".my-appointments")).ToContainTextAsync("aucun rendez-vous");
        Assert.DoesNotContain((await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, julien).GetGridAsync()).Slots,
            s => s.State == SlotState.Booked);
    }

    [Fact]
    public async Task On_a_touch_screen_a_parent_books_with_a_confirmed_tap_and_moves_with_a_finger()
    {
        var evening = await DemoEveningAsync();
        var sophie = TeacherId(evening, "Sophie");
        var page = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{sophie}",
            new() { Locale = "fr-BE", HasTouch = true, ViewportSize = new() { Width = 412, Height = 915 } });
        var context = page.Context;

        // A tap asks first (PhoneLayoutTests: and "Non" books nothing).
        await Slot(page, 2).Locator(".book").TapAsync();
        await page.Locator("#meeting-confirm").GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).TapAsync();
        await Assertions.Expect(Slot(page, 2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));

        // A finger, as the browser gets it from a touch screen: touch start, moves, end.
        await Slot(page, 5).ScrollIntoViewIfNeededAsync();
        var from = (await Slot(page, 2).BoundingBoxAsync())!;
        var to = (await Slot(page, 5).BoundingBoxAsync())!;
        var touch = await context.NewCDPSessionAsync(page);
        async Task Finger(string type, double x, double y) =>
            await touch.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
            {
                ["type"] = type,
                ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
            });
        var (x0, y0) = (from.X + 10, from.Y + from.Height / 2);
        var (x1, y1) = (to.X + to.Width / 2, to.Y + to.Height / 2);
        await Finger("touchStart", x0, y0);
        for (var step = 1; step <= 10; step++)
        {
            await Finger("touchMove", x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10);
        }
        await Finger("touchEnd", x1, y1);

        var confirm = page.Locator("#meeting-confirm");
        await Assertions.Expect(confirm).ToContainTextAsync("Déplacer le rendez-vous de 17:20 à 17:50 ?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#meeting-message")).ToContainTextAsync("Rendez-vous déplacé de 17:20 à 17:50");
        await Assertions.Expect(Slot(page, 5)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));
        await Assertions.Expect(Slot(page, 2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_meeting_page_opens_one_live_connection_for_its_grids_and_the_rest()
    {
        var evening = await DemoEveningAsync();
        var page = await chromium.SignInToDashboardAsync(web, "amelie.lefevre", "Lucas");
        var negotiations = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sockets = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/negotiate"))
            {
                negotiations.Enqueue(request.Url);
            }
        };
        page.WebSocket += (_, socket) => sockets.Enqueue(socket.Url);
        await page.GotoAsync(new Uri(web.DemoSchool, $"reunions/{evening.Id}/enseignants/{TeacherId(evening, "Sophie")}").ToString());
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-meetings", "watching");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");

        // One WebSocket, straight away: no negotiation a balancer could send to another node (docs/operations.md).
        var socket = Assert.Single(sockets);
        Assert.Contains("/e/demo/hubs/live", socket);
        Assert.Empty(negotiations);
    }

    [Fact]
    public async Task A_drag_dismissed_at_the_confirmation_changes_nothing_and_another_family_sees_bookings_live_without_names()
    {
        var evening = await DemoEveningAsync();
        var sophie = TeacherId(evening, "Sophie");
        var amelie = await chromium.OpenMeetingPageAsync(web, "amelie.lefevre", "Lucas", $"reunions/{evening.Id}/enseignants/{sophie}");
        var marc = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{sophie}");

        await Slot(amelie, 10).Locator(".book").ClickAsync();
        await Assertions.Expect(Slot(marc, 10)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bbooked\\b"));
        await Assertions.Expect(Slot(marc, 10)).ToContainTextAsync("Réservé");
        await Assertions.Expect(Slot(marc, 10)).Not.ToContainTextAsync("Lefèvre");
        await Assertions.Expect(Slot(marc, 10).Locator(".cancel")).ToBeHiddenAsync();

        // Marc cannot drag someone else's appointment; Amélie drags hers and then says no.
        await DragAsync(marc, Slot(marc, 10), Slot(marc, 12));
        await Assertions.Expect(marc.Locator("#meeting-confirm")).ToBeHiddenAsync();
        await DragAsync(amelie, Slot(amelie, 10), Slot(amelie, 12));
        await amelie.Locator("#meeting-confirm").GetByRole(AriaRole.Button, new() { Name = "Non" }).ClickAsync();
        await Assertions.Expect(amelie.Locator("#meeting-confirm")).ToBeHiddenAsync();
        Assert.Equal(SlotState.Booked, (await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, sophie).GetGridAsync()).Slots[10].State);
        await Assertions.Expect(Slot(amelie, 10)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));

        // The same time with the other teacher of Lucas is refused with the reason.
        var julien = TeacherId(evening, "Julien");
        await amelie.GotoAsync(new Uri(web.DemoSchool, $"reunions/{evening.Id}/enseignants/{julien}").ToString());
        await Slot(amelie, 10).Locator(".book").ClickAsync();
        await Assertions.Expect(amelie.Locator("#meeting-message")).ToContainTextAsync("Votre famille a déjà un rendez-vous avec un autre enseignant à cette heure-là.");
        await Assertions.Expect(Slot(amelie, 10)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
    }

    [Fact]
    public async Task A_teacher_marks_a_break_that_families_see_and_cancels_a_booking_before_making_it_a_break()
    {
        var evening = await DemoEveningAsync();
        var julien = TeacherId(evening, "Julien");
        var teacher = await chromium.OpenMeetingPageAsync(web, "julien.peeters", null, $"reunions/{evening.Id}/grilles/{julien}");
        var parent = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{julien}");

        await Slot(teacher, 15).GetByRole(AriaRole.Button, new() { Name = "Marquer 19:30 comme pause" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 15)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bbreak\\b"));
        await Assertions.Expect(Slot(parent, 15)).ToContainTextAsync("Pause");

        await Slot(parent, 16).Locator(".book").ClickAsync();
        await Assertions.Expect(Slot(teacher, 16)).ToContainTextAsync("Marc Dubois");
        await Assertions.Expect(Slot(teacher, 16).GetByRole(AriaRole.Button, new() { Name = "Marquer 19:40 comme pause" })).ToHaveCountAsync(0);
        await Slot(teacher, 16).GetByRole(AriaRole.Button, new() { Name = "Annuler le rendez-vous de 19:40" }).ClickAsync();
        await teacher.Locator("#meeting-confirm").GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 16)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        await web.Mail.WaitForAsync(m => m.Subject!.Contains("19:40 annulé") && m.TextBody!.Contains("L'école a dû annuler"));
        await Slot(teacher, 16).GetByRole(AriaRole.Button, new() { Name = "Marquer 19:40 comme pause" }).ClickAsync();
        await Assertions.Expect(Slot(parent, 16)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bbreak\\b"));

        var list = await teacher.Context.NewPageAsync();
        await list.GotoAsync(new Uri(web.DemoSchool, $"reunions/{evening.Id}/grilles/{julien}/liste").ToString());
        await Assertions.Expect(list.Locator("tr[data-slot='15']")).ToContainTextAsync("Pause");
    }
}