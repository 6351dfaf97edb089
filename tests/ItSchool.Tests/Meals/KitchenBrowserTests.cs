using System.Collections.Concurrent;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Meals;

public sealed class KitchenBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const string ChloeCard = "04A1B2C3D4E504";

    /// <summary>Script errors and console errors (htmx reports its own there) of every page this test opened.</summary>
    readonly ConcurrentQueue<string> errors = new();

    [Fact]
    public async Task A_booking_made_meanwhile_appears_on_the_open_kitchen_page_without_reload()
    {
        await KitchenDemo.OnAsync(web);
        var tomorrow = KitchenDemo.Today(web).AddDays(1);
        await KitchenDemo.MenuAsync(web, KitchenDemo.Today(web), KitchenDemo.Hot, KitchenDemo.Sandwich);
        await KitchenDemo.MenuAsync(web, tomorrow, KitchenDemo.Hot, KitchenDemo.Sandwich);
        await KitchenDemo.BookAsync(web, tomorrow, "Benoît", KitchenDemo.Hot);
        var kitchen = await OpenAsync("karim.benali", "cuisine");
        await Assertions.Expect(kitchen.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var day = kitchen.Locator($"section[data-day='{MealDays.Key(tomorrow)}']");
        var hot = day.Locator("[data-article=CHAUD] [data-booked]");
        await Assertions.Expect(hot).ToHaveTextAsync("1");
        await Assertions.Expect(day.Locator("tr[data-class='4B']")).ToHaveCountAsync(0);

        await KitchenDemo.BookAsync(web, tomorrow, "Chloé", KitchenDemo.Hot);
        await KitchenDemo.BookAsync(web, tomorrow, "Lucas", KitchenDemo.Sandwich);

        await Assertions.Expect(hot).ToHaveTextAsync("2");
        await Assertions.Expect(day.Locator("[data-article=SANDWICH] [data-booked]")).ToHaveTextAsync("1");
        await Assertions.Expect(day.Locator("tr[data-class='4B'] td")).ToHaveTextAsync(["1", "1", "2"]);
        await Assertions.Expect(day.Locator("tr[data-class=total] td")).ToHaveTextAsync(["2", "1", "3"]);
        await Screens.SaveAsync(kitchen, "kitchen");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_till_serves_a_booked_meal_on_a_card_tap_and_says_so_the_second_time()
    {
        await KitchenDemo.OnAsync(web);
        var today = KitchenDemo.Today(web);
        await KitchenDemo.MenuAsync(web, today, KitchenDemo.Hot, KitchenDemo.Sandwich);
        await KitchenDemo.BookAsync(web, today, "Chloé", KitchenDemo.Sandwich);
        var till = await OpenAsync("karim.benali", "caisse");
        var card = till.GetByLabel("Carte de l'élève");

        await card.FillAsync(ChloeCard);
        var meal = till.Locator("#till-meal .verdict.meal.booked");
        await Assertions.Expect(meal).ToContainTextAsync("Réservé : Sandwich au rosbif");
        await Assertions.Expect(meal).ToContainTextAsync("Chloé");
        await Screens.SaveAsync(till, "till-booked");
        await meal.GetByRole(AriaRole.Button, new() { Name = "Servi" }).ClickAsync();
        await Assertions.Expect(till.Locator("#till-meal .verdict.accepted")).ToContainTextAsync("SERVI");

        // The same card again: served already, nothing to serve.
        await till.GetByRole(AriaRole.Button, new() { Name = "Vider" }).ClickAsync();
        await Assertions.Expect(till.Locator("#till-meal")).ToBeEmptyAsync();
        await card.FillAsync(ChloeCard);
        await Assertions.Expect(till.Locator("#till-meal .verdict.meal.served")).ToContainTextAsync("DÉJÀ SERVI");
        await Assertions.Expect(till.GetByRole(AriaRole.Button, new() { Name = "Servi" })).ToHaveCountAsync(0);
        await Screens.SaveAsync(till, "till-served");
        Assert.Empty(errors);
    }

    async Task<IPage> OpenAsync(string userName, string address)
    {
        var page = await chromium.SignInAsync(web, userName, options: new() { Locale = "fr-BE", ViewportSize = new() { Width = 1280, Height = 900 } });
        page.CollectErrorsInto(errors);
        await page.WaitForLandingAsync(userName);
        await page.GotoAsync(new Uri(web.DemoSchool, address).ToString());
        return page;
    }
}