using System.Text.RegularExpressions;
using ItSchool.Platform.Database;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Management;

/// <summary>The pager in a browser: plain links on the pupils and invoices lists, htmx swaps on the balances, whose search it keeps.</summary>
public sealed class PagingBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_manager_pages_through_pupils_invoices_and_a_searched_balances_list_in_Chromium()
    {
        var className = await new PagingRows(web).InvoicesAsync();
        var page = await chromium.SignInAsync(web, "claire.dupont");
        await page.WaitForDashboardAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var pager = page.Locator("nav.pager");

        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/eleves?classe={className}").ToString());
        await Assertions.Expect(page.Locator("tr[data-pupil]")).ToHaveCountAsync(PageRequest.Size);
        await Assertions.Expect(pager).ToContainTextAsync("Page 1 sur 2");
        await Screens.SaveAsync(page, "paging-pupils");
        Assert.Empty(await pager.ViolationsAsync());
        await pager.GetByRole(AriaRole.Link, new() { Name = "Suivante →" }).ClickAsync();
        await page.WaitForAsync($"**/gestion/eleves?classe={className}&page=2");
        await Assertions.Expect(page.Locator("tr[data-pupil]")).ToHaveCountAsync(PagingRows.Seeded - PageRequest.Size);
        await Assertions.Expect(pager).ToContainTextAsync("Page 2 sur 2");

        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/factures?classe={className}").ToString());
        await Assertions.Expect(page.Locator("tr[data-invoice]")).ToHaveCountAsync(PageRequest.Size);
        await Assertions.Expect(page.Locator(".invoice-totals")).ToContainTextAsync($"{PagingRows.Seeded + 5} factures");
        await Screens.SaveAsync(page, "paging-invoices");
        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/factures?classe={className}&page=99").ToString());
        await Assertions.Expect(page.Locator(".pager-past-end")).ToHaveTextAsync("La page 99 n'existe pas : voici la dernière.");
        await Assertions.Expect(pager).ToContainTextAsync("Page 2 sur 2");
        await Screens.SaveAsync(page, "paging-past-end");

        await page.GotoAsync(new Uri(web.DemoSchool, "gestion/portefeuilles").ToString());
        await page.GetByRole(AriaRole.Searchbox).FillAsync(className);
        // The whole school is two pages too: the search has answered when the count is the class's.
        await Assertions.Expect(pager).ToHaveAttributeAsync("data-total", $"{PagingRows.Seeded}");
        await Assertions.Expect(pager).ToContainTextAsync("Page 1 sur 2");
        await Assertions.Expect(page.Locator("tr[data-pupil]")).ToHaveCountAsync(PageRequest.Size);
        await pager.GetByRole(AriaRole.Link, new() { Name = "Suivante →" }).ClickAsync();
        await Assertions.Expect(pager).ToContainTextAsync("Page 2 sur 2");
        await Assertions.Expect(page.Locator("tr[data-pupil]")).ToHaveCountAsync(PagingRows.Seeded - PageRequest.Size);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"gestion/portefeuilles\\?q={className}&page=2$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Searchbox)).ToHaveValueAsync(className);
        await Screens.SaveAsync(page, "paging-balances");
        await pager.GetByRole(AriaRole.Link, new() { Name = "← Précédente" }).ClickAsync();
        await Assertions.Expect(pager).ToContainTextAsync("Page 1 sur 2");
        Assert.Empty(errors);
    }
}