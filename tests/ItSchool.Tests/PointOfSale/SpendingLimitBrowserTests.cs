using System.Collections.Concurrent;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.PointOfSale;

/// <summary>A parent sets a limit on the page, the canteen's till meets it, and the parent sees the refusal in the sales journal.</summary>
public sealed class SpendingLimitBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const string Chloe = "04A1B2C3D4E504";

    readonly ConcurrentQueue<string> errors = new();

    [Fact]
    public async Task A_parents_daily_canteen_limit_is_shown_at_the_till_and_the_refusal_in_the_journal()
    {
        var parent = await SignInAsync("marc.dubois");
        await parent.GetByRole(AriaRole.Link, new() { Name = "Soldes" }).ClickAsync();
        await parent.GetByRole(AriaRole.Link, new() { Name = "Limites de dépenses" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Limites de dépenses" })).ToBeVisibleAsync();
        await parent.GetByLabel("Cantine : maximum par jour en euros").FillAsync("0,50");
        await parent.GetByLabel("Collations", new() { Exact = true }).CheckAsync();
        await parent.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Status)).ToContainTextAsync("Limites enregistrées");
        await Assertions.Expect(parent.GetByLabel("Cantine : maximum par jour en euros")).ToHaveValueAsync("0,50");
        await Assertions.Expect(parent.GetByLabel("Collations", new() { Exact = true })).ToBeCheckedAsync();
        await Screens.SaveAsync(parent, "spending-limits");

        var till = await SignInAsync("karim.benali");
        await till.GetByRole(AriaRole.Link, new() { Name = "Caisse" }).ClickAsync();
        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        await till.Locator(".till-grid .article", new() { HasText = "Jus d'orange" }).ClickAsync();
        await till.GetByRole(AriaRole.Button, new() { Name = "Encaisser" }).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.declined")).ToContainTextAsync("Limite journalière atteinte");
        await Screens.SaveAsync(till, "spending-limits-till");

        await parent.GetByRole(AriaRole.Link, new() { Name = "Journal des ventes", Exact = true }).ClickAsync();
        var refused = parent.Locator("#journal-results tbody tr[data-refusal]");
        await Assertions.Expect(refused.First).ToContainTextAsync("refusé : limite");
        await Assertions.Expect(refused.First).ToContainTextAsync("Jus d'orange × 1");
        await Screens.SaveAsync(parent, "spending-limits-journal");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_school_sets_its_ceilings_and_the_parents_page_shows_them()
    {
        var manager = await SignInAsync("claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Caisses et articles" }).ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Plafonds de dépense des élèves" }).ClickAsync();
        await manager.GetByLabel("Collations et distributeurs : maximum par jour en euros").FillAsync("4");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Plafonds enregistrés");
        await Assertions.Expect(manager.GetByLabel("Collations et distributeurs : maximum par jour en euros")).ToHaveValueAsync("4,00");
        await Screens.SaveAsync(manager, "spending-ceilings");

        var parent = await SignInAsync("marc.dubois");
        await parent.GotoAsync(new Uri(web.DemoSchool, "portefeuille/limites").ToString());
        await Assertions.Expect(parent.Locator("fieldset[data-scope='2'] .ceiling")).ToHaveTextAsync("Plafond de l'école : 4,00 € par jour");
        Assert.Empty(errors);
    }

    async Task<IPage> SignInAsync(string userName)
    {
        var page = await chromium.SignInAsync(web, userName, options: new() { Locale = "fr-BE", ViewportSize = new() { Width = 1280, Height = 720 } });
        page.CollectErrorsInto(errors);
        await page.WaitForLandingAsync(userName);
        return page;
    }
}