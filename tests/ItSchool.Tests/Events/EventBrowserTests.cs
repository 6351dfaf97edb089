using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Events;

public sealed class EventBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_manager_publishes_an_event_for_a_class_and_a_parent_of_that_class_sees_it_on_the_dashboard()
    {
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Évènements" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Évènements", Level = 1 })).ToBeVisibleAsync();
        await Screens.SaveAsync(manager, "events-admin");
        var day = SchoolTime.Today(web.Clock).AddDays(6);
        await manager.GetByLabel("Titre").FillAsync("Réunion de parents des 4B");
        await manager.GetByLabel("Date (ou premier jour)").FillAsync($"{day:yyyy-MM-dd}");
        await manager.GetByLabel("Heure de début").FillAsync("18:00");
        await manager.GetByLabel("Heure de fin").FillAsync("17:00");
        await manager.GetByLabel("Certaines classes :").CheckAsync();
        await manager.GetByRole(AriaRole.Checkbox, new() { Name = "4B", Exact = true }).CheckAsync();
        await manager.GetByRole(AriaRole.Button, new() { Name = "Publier l'évènement" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Alert)).ToContainTextAsync("La fin de l'évènement doit venir après son début.");
        await Screens.SaveAsync(manager, "events-admin-refused");

        // The form came back as typed: only the wrong time needs fixing.
        await Assertions.Expect(manager.GetByLabel("Titre")).ToHaveValueAsync("Réunion de parents des 4B");
        await manager.GetByLabel("Heure de fin").FillAsync("20:00");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Publier l'évènement" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("L'évènement est publié.");
        await Assertions.Expect(manager.Locator(".event-admin-list")).ToContainTextAsync("Réunion de parents des 4B");

        var parent = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        var card = parent.Locator(".event-card");
        await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Évènements" })).ToBeVisibleAsync();
        var item = card.Locator("li").Filter(new() { HasText = "Réunion de parents des 4B" });
        await Assertions.Expect(item).ToContainTextAsync($"{day:dd/MM/yyyy} 18:00–20:00");
        await Assertions.Expect(item.Locator(".event-title")).ToHaveCSSAsync("text-transform", "uppercase");
        await Screens.SaveAsync(parent, "events-dashboard");

        await card.GetByRole(AriaRole.Link, new() { Name = "Tous les évènements" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Réunion de parents des 4B" })).ToBeVisibleAsync();
        await Screens.SaveAsync(parent, "events-parent-page");
    }
}