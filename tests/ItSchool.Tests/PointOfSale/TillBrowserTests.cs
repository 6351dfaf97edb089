using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.PointOfSale;

public sealed class TillBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_canteen_charges_a_card_and_the_parents_journal_shows_the_sale_without_reload()
    {
        var parent = await SignInAsync("marc.dubois");
        await parent.GetByRole(AriaRole.Link, new() { Name = "Journal des ventes" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Journal des ventes" })).ToBeVisibleAsync();
        await Assertions.Expect(parent.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        await Assertions.Expect(parent.Locator("#journal-results tbody tr")).ToHaveCountAsync(0);

        var till = await SignInAsync("karim.benali");
        await till.GetByRole(AriaRole.Link, new() { Name = "Caisse" }).ClickAsync();
        await till.GetByLabel("Carte de l'élève").FillAsync("04A1B2C3D4E504");
        var juice = till.Locator(".article", new() { HasText = "Jus d'orange" });
        await juice.ClickAsync();
        await juice.ClickAsync();
        await till.Locator(".article", new() { HasText = "Pomme" }).ClickAsync();
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("2,30 €");
        await till.GetByRole(AriaRole.Button, new() { Name = "Encaisser" }).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("Chloé");
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("0,00 €");

        var row = parent.Locator("#journal-results tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Jus d'orange × 2");
        await Assertions.Expect(row).ToContainTextAsync("2,30 €");

        await till.GetByLabel("Carte de l'élève").FillAsync("UNKNOWN-CARD");
        await till.Locator(".article", new() { HasText = "Pomme" }).ClickAsync();
        await till.GetByRole(AriaRole.Button, new() { Name = "Encaisser" }).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.declined")).ToContainTextAsync("Carte inconnue");
    }

    [Fact]
    public async Task A_double_tap_on_the_till_charges_once()
    {
        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        var page = await canteen.GetStringAsync("/e/demo/caisse");
        var terminal = Regex.Match(page, "name=\"TerminalId\" value=\"([^\"]+)\"").Groups[1].Value;
        var saleId = Guid.NewGuid().ToString();
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM pupils WHERE first_name = 'Lucas'");
        var lucas = (Guid)(await query.ExecuteScalarAsync())!;
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(lucas);
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;

        var taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => canteen.PostAsync("/e/demo/caisse/vente", new FormUrlEncodedContent(
        [
            new("TerminalId", terminal), new("SaleId", saleId), new("CardUid", "04A1B2C3D4E502"), new("q.POMME", "1"),
            new("__RequestVerificationToken", Forms.AntiforgeryToken(page)),
        ]))));
        Assert.All(taps, tap => Assert.Equal(HttpStatusCode.OK, tap.StatusCode));
        Assert.Equal(before - 50, (await purse.GetCompartmentsAsync())[0].BalanceCents);

        using var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync("/e/demo/caisse")).StatusCode);
    }

    async Task<IPage> SignInAsync(string userName)
    {
        var page = await chromium.SignInAsync(web, userName);
        await page.WaitForLandingAsync(userName);
        return page;
    }
}