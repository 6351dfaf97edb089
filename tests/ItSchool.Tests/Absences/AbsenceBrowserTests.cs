using System.Globalization;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Absences;

public sealed class AbsenceBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_manager_takes_a_class_register_and_the_parent_reads_the_absence()
    {
        var day = SchoolDaysAgo.Of(web, 30);
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Absences", Exact = true }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Absences — registre de classe", Level = 1 })).ToBeVisibleAsync();
        await manager.GetByLabel("Classe").SelectOptionAsync("4B");
        await manager.GetByLabel("Date").FillAsync($"{day:yyyy-MM-dd}");
        await manager.GetByLabel("Moment").SelectOptionAsync("afternoon");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await manager.GetByRole(AriaRole.Checkbox, new() { Name = "Dubois Chloé" }).CheckAsync();
        await Screens.SaveAsync(manager, "absences-register");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Registre enregistré : 1 absent.");
        await Assertions.Expect(manager.GetByRole(AriaRole.Checkbox, new() { Name = "Dubois Chloé" })).ToBeCheckedAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Checkbox, new() { Name = "Lefèvre Lucas" })).Not.ToBeCheckedAsync();
        await Screens.SaveAsync(manager, "absences-register-saved");

        var parent = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await parent.GetByRole(AriaRole.Link, new() { Name = "Absences", Exact = true }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Absences", Level = 1 })).ToBeVisibleAsync();
        var said = $"{day.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("fr-BE"))}, après-midi";
        await Assertions.Expect(parent.Locator(".absence-list li").Filter(new() { HasText = said })).ToContainTextAsync("Non justifiée");
        await Assertions.Expect(parent.Locator(".absence-list li").Filter(new() { HasText = "Maladie" })).ToHaveCountAsync(1);
        await Screens.SaveAsync(parent, "absences-parent");
    }
}