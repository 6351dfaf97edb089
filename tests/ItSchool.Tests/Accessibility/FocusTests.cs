using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meals.ParentMealRig;

namespace ItSchool.Tests.Accessibility;

/// <summary>
/// The focus stays where a keyboard or screen-reader user expects it: back on what opened a dialog when it closes
/// (even when a redraw replaced that control meanwhile), and on the same control when a live push redraws the part
/// of the page it is in — never thrown back to the page's start.
/// </summary>
public sealed class FocusTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>, IAsyncLifetime
{
    public Task InitializeAsync() => MealsOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Closing_the_top_up_dialog_by_Escape_or_by_its_close_button_gives_the_focus_back_to_its_opener()
    {
        var (child, name) = await ChildAsync(web, 0, "marc.dubois");
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        var card = page.Locator($"#balances-{child}");
        var topUp = card.Locator("summary[data-focus-key='top-up-1']");
        var dialog = page.Locator("dialog#dialog[open]");

        var byTransfer = card.Locator("li[data-compartment='1']").GetByRole(AriaRole.Button, new() { Name = "Par virement" });
        await topUp.ClickAsync();
        await byTransfer.ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        // The opener sits in the dropdown the dialog closed: its own button takes the focus.
        await Assertions.Expect(topUp).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");
        await byTransfer.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Fermer" }).First.ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(topUp).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_a_booking_redrew_the_calendar_closing_the_day_dialog_focuses_the_same_day_again()
    {
        var (_, name) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = await MenuAsync(web, SchoolDay(web, 2));
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        await page.GotoAsync(new Uri(web.DemoSchool, $"repas?mois={day:yyyy-MM}").ToString());
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var cell = page.Locator($"button.meal-day[data-day='{MealDays.Key(day)}']");
        var dialog = page.Locator("dialog#dialog[open]");

        await cell.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(cell).ToBeFocusedAsync();

        // Booking redraws the month behind the dialog: the button that opened it is gone, its new version takes the focus.
        await page.EvaluateAsync("() => document.querySelector('#meal-calendar').dataset.before = 'yes'");
        await cell.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Réserver : Repas chaud" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Repas réservé : Repas chaud");
        await Assertions.Expect(cell.Locator(".meal.booked")).ToHaveTextAsync("Repas chaud");
        await Assertions.Expect(page.Locator("#meal-calendar[data-before]")).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Fermer" }).First.ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(cell).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_the_other_guardian_books_the_calendar_redraws_and_the_focus_stays_on_the_same_day()
    {
        var (child, name) = await ChildAsync(web, 5_000, "amelie.lefevre", "pierre.lefevre");
        var day = await MenuAsync(web, SchoolDay(web, 3));
        var amelie = await chromium.SignInToDashboardAsync(web, "amelie.lefevre", name);
        await amelie.GotoAsync(new Uri(web.DemoSchool, $"repas?mois={day:yyyy-MM}").ToString());
        await Assertions.Expect(amelie.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var cell = amelie.Locator($"button.meal-day[data-day='{MealDays.Key(day)}']");
        await amelie.EvaluateAsync("() => document.querySelector('#meal-calendar').dataset.before = 'yes'");
        await cell.FocusAsync();

        using var pierre = await ParentAsync(web, "pierre.lefevre", child);
        await BookFromDialogAsync(pierre, day, child, "POTAGE");

        await Assertions.Expect(cell.Locator(".meal.booked")).ToHaveTextAsync("Potage");
        await Assertions.Expect(amelie.Locator("#meal-calendar[data-before]")).ToHaveCountAsync(0);
        await Assertions.Expect(cell).ToBeFocusedAsync();
        await amelie.Context.CloseAsync();
    }

    [Fact]
    public async Task A_live_push_redrawing_the_wallet_card_leaves_the_focus_on_the_control_it_was_on()
    {
        var (child, name) = await ChildAsync(web, 1_000, "marc.dubois");
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var card = page.Locator($"#balances-{child}");
        var topUp = card.Locator("summary[data-focus-key='top-up-2']");
        await page.EvaluateAsync("id => document.getElementById(id).dataset.before = 'yes'", $"balances-{child}");
        await topUp.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(card.Locator("li[data-compartment='2'] details")).ToHaveAttributeAsync("open", "");

        Assert.True((await Purse(web, child).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, 250, MovementKind.BankTopUp,
            PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);

        await Assertions.Expect(card.Locator("li[data-compartment='2'] .balance")).ToHaveAttributeAsync("data-cents", "1250");
        await Assertions.Expect(page.Locator($"#balances-{child}[data-before]")).ToHaveCountAsync(0);
        Assert.Equal("top-up-2", await page.EvaluateAsync<string?>("() => document.activeElement.dataset.focusKey"));
        await Assertions.Expect(card.Locator("li[data-compartment='2'] details")).ToHaveAttributeAsync("open", "");
        await page.Context.CloseAsync();
    }
}