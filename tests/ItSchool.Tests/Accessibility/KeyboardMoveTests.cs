using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Meetings;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meetings.MeetingGrids;

namespace ItSchool.Tests.Accessibility;

/// <summary>A meeting appointment moves without dragging: with the keyboard only, pick it, then pick the new slot.</summary>
public sealed class KeyboardMoveTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_moves_an_appointment_with_the_keyboard_only()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        var page = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{julien}");
        var mine = new System.Text.RegularExpressions.Regex("\\bmine\\b");

        await Slot(page, 3).GetByRole(AriaRole.Button, new() { Name = "Réserver le créneau de 17:30" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Slot(page, 3)).ToHaveClassAsync(mine);

        var pick = Slot(page, 3).GetByRole(AriaRole.Button, new() { Name = "Déplacer le rendez-vous de 17:30" });
        await pick.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(pick).ToHaveAttributeAsync("aria-pressed", "true");
        await Slot(page, 6).GetByRole(AriaRole.Button, new() { Name = "Réserver le créneau de 18:00" }).FocusAsync();
        await page.Keyboard.PressAsync(" ");
        var confirm = page.Locator("#meeting-confirm");
        await Assertions.Expect(confirm).ToContainTextAsync("Déplacer le rendez-vous de 17:30 à 18:00 ?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(Slot(page, 6)).ToHaveClassAsync(mine);
        await Assertions.Expect(Slot(page, 3)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bfree\\b"));
        var grid = await web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, julien).GetGridAsync();
        Assert.Equal(SlotState.Booked, grid.Slots.Single(s => s.Index == 6).State);
        Assert.Equal(SlotState.Free, grid.Slots.Single(s => s.Index == 3).State);
        await page.Context.CloseAsync();
    }
}