using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meals.ParentMealRig;

namespace ItSchool.Tests.Meals;

public sealed class ParentMealBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>, IAsyncLifetime
{
    public Task InitializeAsync() => MealsOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_parent_books_a_meal_from_the_calendar_and_cancels_it_before_the_cut_off()
    {
        var (child, name) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = await MenuAsync(web, SchoolDay(web, 2));
        var page = await CalendarAsync("marc.dubois", name, day);
        await Assertions.Expect(MealBalance(page)).ToHaveAttributeAsync("data-cents", "5000");
        await Screens.SaveAsync(page, "meals-calendar");

        await Cell(page, day).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Réservation et annulation possibles jusqu'au");
        await Screens.SaveAsync(page, "meals-day-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Réserver : Repas chaud" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Repas réservé : Repas chaud");
        await Assertions.Expect(MealBalance(page)).ToHaveAttributeAsync("data-cents", "4550");
        await Assertions.Expect(Cell(page, day).Locator(".meal.booked")).ToHaveTextAsync("Repas chaud");
        await Assertions.Expect(Cell(page, day)).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex("réservé : Repas chaud"));
        await Screens.SaveAsync(page, "meals-booked");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Annuler la réservation" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Réservation annulée : Repas chaud, 4,50 € remboursé");
        await Assertions.Expect(MealBalance(page)).ToHaveAttributeAsync("data-cents", "5000");
        await Assertions.Expect(Cell(page, day).Locator(".meal.booked")).ToHaveCountAsync(0);
        Assert.Equal(5_000, await MealBalanceAsync(web, child));
    }

    [Fact]
    public async Task An_article_the_child_is_allergic_to_is_blocked_with_the_reason()
    {
        var (child, name) = await ChildAsync(web, 5_000, "marc.dubois");
        Assert.True(await web.Services.GetRequiredService<MealMenus>().SetAllergiesAsync(DemoSchool.Id, child, Allergens.Peanuts));
        var day = await MenuAsync(web, SchoolDay(web, 3));
        var page = await CalendarAsync("marc.dubois", name, day);

        await Cell(page, day).ClickAsync();
        var satay = page.Locator("dialog#dialog li[data-article='SATAY']");
        await Assertions.Expect(satay).ToContainTextAsync($"Réservation impossible : {name} est déclaré(e) allergique à Arachides.");
        await Assertions.Expect(satay.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("dialog#dialog li[data-article='CHAUD']").GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
        await Screens.SaveAsync(page, "meals-allergen");
    }

    [Fact]
    public async Task The_other_guardian_sees_a_booking_appear_without_reloading()
    {
        var (child, name) = await ChildAsync(web, 5_000, "amelie.lefevre", "pierre.lefevre");
        var day = await MenuAsync(web, SchoolDay(web, 2));
        var amelie = await CalendarAsync("amelie.lefevre", name, day);
        var pierre = await CalendarAsync("pierre.lefevre", name, day);

        await Cell(amelie, day).ClickAsync();
        await amelie.Locator("dialog#dialog").GetByRole(AriaRole.Button, new() { Name = "Réserver : Potage" }).ClickAsync();
        await Assertions.Expect(amelie.Locator("dialog#dialog").GetByRole(AriaRole.Status)).ToContainTextAsync("Repas réservé : Potage");

        await Assertions.Expect(Cell(pierre, day).Locator(".meal.booked")).ToHaveTextAsync("Potage");
        await Assertions.Expect(MealBalance(pierre)).ToHaveAttributeAsync("data-cents", "4880");
        Assert.Single(await HeldAsync(web, day, child));
    }

    [Fact]
    public async Task After_the_cut_off_the_booking_shows_why_it_can_no_longer_be_cancelled()
    {
        var (child, name) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = await MenuAsync(web, SchoolDay(web, 1));
        var booked = await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, day)
            .BookAsync(new MealBooking(Guid.NewGuid().ToString(), child, "CHAUD", MealCluster.Parent));
        Assert.True(booked.Booked);
        web.Clock.Advance(SchoolTime.Moment(day, new TimeOnly(9, 30)) - web.Clock.GetUtcNow());

        var page = await CalendarAsync("marc.dubois", name, day);
        await Assertions.Expect(Cell(page, day)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("today"));
        await Cell(page, day).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToContainTextAsync($"Annulation impossible : elle était possible jusqu'au {day:dd/MM/yyyy} 09:00 (heure de Bruxelles).");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Annuler la réservation" })).ToHaveCountAsync(0);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Réserver : Repas chaud" })).ToHaveCountAsync(0);
        await Screens.SaveAsync(page, "meals-after-cutoff");
        Assert.Equal(5_000 - 450, await MealBalanceAsync(web, child));
    }

    async Task<IPage> CalendarAsync(string parent, string child, DateOnly month)
    {
        var page = await chromium.SignInToDashboardAsync(web, parent, child);
        await page.GotoAsync(new Uri(web.DemoSchool, $"repas?mois={month:yyyy-MM}").ToString());
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        return page;
    }

    static ILocator Cell(IPage page, DateOnly day) => page.Locator($".meal-day[data-day='{MealDays.Key(day)}']");

    static ILocator MealBalance(IPage page) => page.Locator(".meal-balances li[data-compartment='2'] .balance");
}