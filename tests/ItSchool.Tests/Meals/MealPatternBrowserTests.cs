using System.Globalization;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Meals;

public sealed class MealPatternBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_books_every_tuesday_of_two_weeks_in_one_go_after_seeing_each_meal_and_the_total()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        var today = SchoolTime.Today(web.Clock);
        var monday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        var before = (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents;

        await page.GotoAsync(new Uri(web.BaseAddress, "/e/demo/repas/plusieurs-jours").ToString());
        await Screens.SaveAsync(page, "meals-pattern-form");
        await page.GetByRole(AriaRole.Combobox).SelectOptionAsync("POTAGE");
        foreach (var day in new[] { "lundi", "mardi", "jeudi", "vendredi" })
        {
            var box = page.GetByLabel(day);
            if (day == "mardi") { await box.CheckAsync(); } else { await box.UncheckAsync(); }
        }
        await page.GetByLabel("Du", new() { Exact = true }).FillAsync(monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByLabel("Au", new() { Exact = true }).FillAsync(monday.AddDays(13).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Voir les repas et le total" }).ClickAsync();

        await Assertions.Expect(page.Locator(".pattern-plan h2")).ToHaveTextAsync("2 repas à réserver");
        await Assertions.Expect(page.Locator(".pattern-total")).ToHaveTextAsync("Total : 1,60 €");
        await Screens.SaveAsync(page, "meals-pattern-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Réserver ces 2 repas (1,60 €)" }).ClickAsync();

        await Assertions.Expect(page.Locator(".pattern-done h2")).ToHaveTextAsync("2 repas réservés pour Chloé");
        await Screens.SaveAsync(page, "meals-pattern-done");
        Assert.Equal(before - 160, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents);
        await page.Context.CloseAsync();
    }
}