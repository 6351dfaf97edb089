using System.Net;
using System.Text;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Wallets;
using Microsoft.Playwright;

namespace ItSchool.Tests.Wallets;

public sealed class FinancesTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_operations_page_lists_the_open_childs_movements_with_filters_paging_and_export()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var page = await marc.GetStringAsync("/e/demo/finances/operations");
        Assert.Contains("Opérations financières", page);
        Assert.Contains("Vente Casier sans caution", page);
        Assert.DoesNotContain("Lefèvre", page);

        var sales = await marc.GetStringAsync("/e/demo/finances/operations?periode=Last30Days&type=Sale&portefeuille=1");
        Assert.DoesNotContain("Réservation de repas «", sales);
        Assert.Contains("Vente", sales);

        // htmx asks for the results alone.
        var request = new HttpRequestMessage(HttpMethod.Get, "/e/demo/finances/operations?periode=Custom&du=2000-01-01&au=2000-01-31");
        request.Headers.Add("HX-Request", "true");
        var fragment = await (await marc.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.StartsWith("<section class=\"card\" id=\"operations-results\">", fragment.Trim());
        Assert.Contains("Aucune opération", fragment);

        var csv = await marc.GetAsync("/e/demo/finances/operations.csv?periode=SchoolYear&type=MealReservation");
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType?.ToString());
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("\"ID\";\"Date\";\"Type\";\"Sujet\";\"Portefeuille\";\"Moyen de paiement\";\"Montant\";\"Solde après\"", lines[0]);
        Assert.True(lines.Length > 5);
        Assert.All(lines.Skip(1), line => Assert.Contains(";\"Réservation de repas\";", line));
        Assert.Contains(lines.Skip(1), line => line.Split(';')[6] == "-3,50");
    }

    [Fact]
    public async Task Pages_of_fifty_newest_first()
    {
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        var benoit = await ChildAsync(amelie, "Benoît");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{benoit}");
        var purse = web.Services.GetService(typeof(IGrainFactory)) is IGrainFactory grains ? grains.GetGrain<IPurseGrain>(benoit) : null!;
        for (var i = 0; i < 60; i++)
        {
            await purse.DebitAsync(new Debit($"page-test-{i}", 2, 1, MovementKind.Sale, PaymentMethod.Wallet, LedgerSubject.Sale([($"Bonbon ({i})", 1)]),
                new Actor(ActorKind.Terminal, "t", "Test")));
        }

        var first = await amelie.GetStringAsync("/e/demo/finances/operations?periode=Today&type=Sale");
        Assert.Contains("Vente Bonbon (59)", first);
        Assert.DoesNotContain("Vente Bonbon (9)<", first);
        Assert.Contains("Page 1 sur 2", first);
        var second = await amelie.GetStringAsync("/e/demo/finances/operations?periode=Today&type=Sale&page=2");
        Assert.Contains("Vente Bonbon (0)", second);
        Assert.Contains("Page 2 sur 2", second);
    }

    [Fact]
    public async Task The_filters_swap_the_results_in_place_in_Chromium()
    {
        var page = await chromium.SignInAsync(web, "marc.dubois");
        await page.GetByRole(AriaRole.Link, new() { Name = "Opérations financières" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#operations-results tbody tr").First).ToBeVisibleAsync();

        await page.GetByLabel("Type").SelectOptionAsync(new SelectOptionValue { Label = "Rechargement par virement" });
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("type=BankTopUp"));
        var rows = page.Locator("#operations-results tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("Rechargement par virement");
        foreach (var row in await rows.AllAsync())
        {
            await Assertions.Expect(row).ToContainTextAsync("Rechargement par virement");
        }

        // A date typed makes the period custom; a preset chosen after it puts its own days back in "Du" and "Au".
        await page.GetByLabel("Du", new() { Exact = true }).FillAsync("2001-02-03");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("du=2001-02-03"));
        await page.GetByLabel("Période").SelectOptionAsync(new SelectOptionValue { Label = "7 derniers jours" });
        var today = Periods.Today(web.Clock);
        await Assertions.Expect(page.GetByLabel("Du", new() { Exact = true })).ToHaveValueAsync($"{today.AddDays(-6):yyyy-MM-dd}");
        await Assertions.Expect(page.GetByLabel("Au", new() { Exact = true })).ToHaveValueAsync($"{today:yyyy-MM-dd}");
    }

    [Fact]
    public async Task A_reversed_range_is_said_not_changed_and_a_preset_sends_its_own_dates_with_the_results()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var reversed = WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/finances/operations?periode=Custom&du=2026-03-10&au=2026-03-01"));
        Assert.Contains("La date de début (10/03/2026) est après la date de fin (01/03/2026)", reversed);
        Assert.Contains("id=\"operations-from\" value=\"2026-03-10\"", reversed);
        Assert.DoesNotContain("<tr data-entry", reversed);

        var request = new HttpRequestMessage(HttpMethod.Get, "/e/demo/finances/operations?periode=Last7Days&du=2000-01-01&au=2000-01-31");
        request.Headers.Add("HX-Request", "true");
        var fragment = await (await marc.SendAsync(request)).Content.ReadAsStringAsync();
        var today = Periods.Today(web.Clock);
        Assert.Contains($"id=\"operations-from\" value=\"{today.AddDays(-6):yyyy-MM-dd}\" data-custom-period hx-swap-oob=\"true\"", fragment);
        Assert.Contains($"id=\"operations-to\" value=\"{today:yyyy-MM-dd}\" data-custom-period hx-swap-oob=\"true\"", fragment);
    }

    [Theory]
    [InlineData(Period.Today, "2026-03-18", "2026-03-18", "2026-03-18")]
    [InlineData(Period.Yesterday, "2026-03-01", "2026-02-28", "2026-02-28")]
    [InlineData(Period.Last7Days, "2026-03-18", "2026-03-12", "2026-03-18")]
    [InlineData(Period.LastMonth, "2026-01-10", "2025-12-01", "2025-12-31")]
    [InlineData(Period.SchoolYear, "2026-03-18", "2025-09-01", "2026-03-18")]
    [InlineData(Period.SchoolYear, "2026-09-02", "2026-09-01", "2026-09-02")]
    public void Periods_are_days_in_Brussels(Period period, string today, string first, string last) =>
        Assert.Equal((DateOnly.Parse(first), DateOnly.Parse(last)), Periods.Days(period, DateOnly.Parse(today), null, null));

    [Fact]
    public void A_day_starts_at_midnight_in_Brussels_summer_or_winter()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-01-14T23:00:00Z"), Periods.Instants(new DateOnly(2026, 1, 15), new DateOnly(2026, 1, 15)).From);
        Assert.Equal(DateTimeOffset.Parse("2026-07-14T22:00:00Z"), Periods.Instants(new DateOnly(2026, 7, 15), new DateOnly(2026, 7, 15)).From);
    }

    [Fact]
    public async Task A_teacher_or_a_parent_without_an_open_child_has_no_finances()
    {
        using var teacher = await SignedIn.AsAsync(web, "julien.peeters");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/e/demo/finances/operations")).StatusCode);
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync("/e/demo/finances/operations.csv")).StatusCode);
    }

    static async Task<Guid> ChildAsync(HttpClient parent, string firstName)
    {
        var list = await parent.GetStringAsync("/e/demo/comptes");
        var match = System.Text.RegularExpressions.Regex.Match(list, $"data-pupil=\"([0-9a-f-]{{36}})\">\\s*<div>\\s*<strong>{firstName}");
        return Guid.Parse(match.Groups[1].Value);
    }
}