using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ItSchool.Meetings;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Meetings.MeetingGrids;

namespace ItSchool.Tests.Web;

/// <summary>
/// The parents' pages on a phone as parents hold it (390 × 844, a finger): nothing wider than the screen, a
/// menu behind a button, and a meeting slot booked only once the parent confirmed the tap.
/// </summary>
public sealed class PhoneLayoutTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const int Width = 390;

    static BrowserNewContextOptions Phone => new()
    {
        Locale = "fr-BE",
        ViewportSize = new() { Width = Width, Height = 844 },
        IsMobile = true,
        HasTouch = true,
    };

    /// <summary>
    /// The page is no wider than the screen, and nothing in it scrolls sideways either: a table in a scrolling box
    /// would keep the page narrow while hiding its last columns just the same.
    /// </summary>
    static async Task AssertFitsAsync(IPage page, string what)
    {
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= Width, $"{what}: the page is {width} px wide on a {Width} px screen.");
        var scrolling = await page.EvaluateAsync<string[]>("""
            Array.from(document.querySelectorAll("body *"))
              .filter(e => e.getClientRects().length > 0 && !/^(INPUT|SELECT|TEXTAREA)$/.test(e.tagName)
                && /auto|scroll/.test(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
              .map(e => e.tagName.toLowerCase() + "." + e.className + " (" + e.scrollWidth + " px in " + e.clientWidth + ")")
            """);
        Assert.True(scrolling.Length == 0, $"{what}: scrolls sideways in {string.Join(", ", scrolling)}.");
    }

    async Task VisitAsync(IPage page, string path, string screen)
    {
        await page.GotoAsync(new Uri(web.DemoSchool, path).ToString());
        await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await AssertFitsAsync(page, path);
        await Screens.SaveAsync(page, screen);
    }

    async Task OpenDialogAsync(IPage page, ILocator opener, string choice, string screen)
    {
        await opener.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = choice, Exact = true }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await AssertFitsAsync(page, choice);
        var box = (await dialog.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"{choice}: the dialog spans {box.X}–{box.X + box.Width} px.");
        await Screens.SaveAsync(page, screen);
        await dialog.Locator("button.close").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>A sale at the canteen's till, for the sales journal to have a line.</summary>
    async Task SellToChloeAsync()
    {
        using var till = web.CreateClient();
        till.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoPos.CanteenKey);
        var sale = new HttpRequestMessage(HttpMethod.Post, "/api/pos/v1/sales")
        {
            Headers = { { "Idempotency-Key", "phone/1" } },
            Content = JsonContent.Create(new { cardUid = "04A1B2C3D4E504", lines = new[] { new { articleCode = "POMME", quantity = 2 }, new { articleCode = "JUS", quantity = 1 } } }),
        };
        (await till.SendAsync(sale)).EnsureSuccessStatusCode();
    }

    async Task<MeetingEvening> DemoEveningAsync() =>
        (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");

    static Guid TeacherId(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name)).TeacherId;

    [Fact]
    public async Task Every_parent_page_and_dialog_fits_a_390_px_phone()
    {
        var evening = await DemoEveningAsync();
        var marc = await chromium.SignInToDashboardAsync(web, "marc.dubois", options: Phone);
        await AssertFitsAsync(marc, "tableau-de-bord");
        // The balances come first on a phone, without scrolling sideways to find them.
        var balance = (await marc.Locator(".compartment .balance").First.BoundingBoxAsync())!;
        Assert.True(balance.X + balance.Width <= Width, $"The first balance ends at {balance.X + balance.Width} px.");
        await Screens.SaveAsync(marc, "phone-dashboard");

        var compartment = marc.Locator(".compartment[data-compartment='1']");
        await OpenDialogAsync(marc, compartment.GetByText("Recharger"), "Par virement bancaire", "phone-topup-transfer");
        await OpenDialogAsync(marc, compartment.GetByText("Recharger"), "Paiement en ligne", "phone-topup-online");

        await VisitAsync(marc, "finances/soldes", "phone-balances");
        await VisitAsync(marc, "finances/operations", "phone-operations");
        await SellToChloeAsync();
        await VisitAsync(marc, "finances/ventes", "phone-sales");
        await Assertions.Expect(marc.Locator("#journal-results tr[data-sale]").First).ToBeVisibleAsync();
        await VisitAsync(marc, "reunions", "phone-meetings");
        await VisitAsync(marc, $"reunions/{evening.Id}/enseignants/{TeacherId(evening, "Julien")}", "phone-meeting-grid");
        await VisitAsync(marc, "mon-acces", "phone-my-access");

        // Amélie has several children (the chooser) and the demo invoices of every colour.
        var amelie = await chromium.SignInAsync(web, "amelie.lefevre", options: Phone);
        await amelie.WaitForAsync("**/comptes");
        await AssertFitsAsync(amelie, "comptes");
        await Screens.SaveAsync(amelie, "phone-accounts");
        await amelie.Locator(".account-card").Filter(new() { HasText = "Benoît" })
            .GetByRole(AriaRole.Button, new() { Name = "Se connecter avec ce compte" }).ClickAsync();
        await amelie.WaitForDashboardAsync();
        await AssertFitsAsync(amelie, "tableau-de-bord (Benoît)");
        await VisitAsync(amelie, "finances/factures", "phone-invoices");
        var open = amelie.Locator("tr.invoice-row[data-state='Overdue']");
        await OpenDialogAsync(amelie, open.GetByText("Payer"), "Par virement", "phone-invoice-transfer");
        await OpenDialogAsync(amelie, open.GetByText("Payer"), "Depuis le portefeuille", "phone-invoice-wallet");
        await open.GetByRole(AriaRole.Button, new() { Name = "Voir détails" }).ClickAsync();
        await Assertions.Expect(amelie.Locator("dialog#dialog")).ToBeVisibleAsync();
        await AssertFitsAsync(amelie, "invoice details");
        await Screens.SaveAsync(amelie, "phone-invoice-details");
        await marc.Context.CloseAsync();
        await amelie.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_the_menu_opens_from_its_button_and_its_links_lead_to_the_pages()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", options: Phone);
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var operations = page.GetByRole(AriaRole.Link, new() { Name = "Opérations financières" });
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(operations).ToBeHiddenAsync();
        var list = await button.GetAttributeAsync("aria-controls");
        Assert.NotNull(list);

        await button.ClickAsync();
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.Locator($"#{list}")).ToBeVisibleAsync();
        await Assertions.Expect(operations).ToBeVisibleAsync();
        await AssertFitsAsync(page, "the open menu");
        await Screens.SaveAsync(page, "phone-menu-open");
        // Escape closes it and leaves the focus on the button; the keyboard opens it again.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(operations).ToBeHiddenAsync();
        await Assertions.Expect(button).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(operations).ToBeVisibleAsync();

        await operations.ClickAsync();
        await page.WaitForAsync("**/finances/operations");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Opérations financières");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToHaveAttributeAsync("aria-expanded", "false");

        // On a computer's screen the menu is the list at the side, without a button.
        await page.SetViewportSizeAsync(1280, 900);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Soldes" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_script_a_phone_shows_the_menu_list_rather_than_a_button_that_could_not_open_it()
    {
        var options = Phone;
        options.JavaScriptEnabled = false;
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois", options: options);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Opérations financières" })).ToBeVisibleAsync();
        await AssertFitsAsync(page, "the menu without script");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_a_tap_on_a_free_slot_books_only_once_the_parent_confirmed_and_a_scroll_books_nothing()
    {
        var evening = await DemoEveningAsync();
        var julien = TeacherId(evening, "Julien");
        var page = await chromium.OpenMeetingPageAsync(web, "marc.dubois", null, $"reunions/{evening.Id}/enseignants/{julien}", Phone);
        var timetable = web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, julien);
        var confirm = page.Locator("#meeting-confirm");
        var time = await Slot(page, 3).GetAttributeAsync("data-time");

        // A finger that moves up the grid scrolls it: no question, no booking.
        await Slot(page, 6).ScrollIntoViewIfNeededAsync();
        var box = (await Slot(page, 6).BoundingBoxAsync())!;
        var touch = await page.Context.NewCDPSessionAsync(page);
        async Task Finger(string type, double x, double y) =>
            await touch.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
            {
                ["type"] = type,
                ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
            });
        var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        await Finger("touchStart", x, y);
        for (var step = 1; step <= 10; step++)
        {
            await Finger("touchMove", x, y - 20 * step);
        }
        await Finger("touchEnd", x, y - 200);
        await Assertions.Expect(confirm).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".slot.selected")).ToHaveCountAsync(0);

        // A tap selects the slot and asks; "Non" leaves it free.
        await Slot(page, 3).ScrollIntoViewIfNeededAsync();
        await Slot(page, 3).Locator(".book").TapAsync();
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await Assertions.Expect(confirm).ToContainTextAsync($"Réserver {time} avec Julien Peeters ?");
        await Assertions.Expect(Slot(page, 3)).ToHaveClassAsync(new Regex("\\bselected\\b"));
        await AssertFitsAsync(page, "the booking question");
        await Screens.SaveAsync(page, "phone-meeting-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Non" }).TapAsync();
        await Assertions.Expect(confirm).ToBeHiddenAsync();
        await Assertions.Expect(Slot(page, 3)).Not.ToHaveClassAsync(new Regex("\\bselected\\b"));
        await Assertions.Expect(Slot(page, 3)).ToHaveClassAsync(new Regex("\\bfree\\b"));
        Assert.DoesNotContain((await timetable.GetGridAsync()).Slots, s => s.State == SlotState.Booked);

        // Tapped again and confirmed, it is booked.
        await Slot(page, 3).Locator(".book").TapAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).TapAsync();
        await Assertions.Expect(Slot(page, 3)).ToHaveClassAsync(new Regex("\\bmine\\b"));
        await Assertions.Expect(page.Locator("#meeting-message")).ToContainTextAsync($"Rendez-vous réservé à {time} avec Julien Peeters");
        Assert.Equal([3], (await timetable.GetGridAsync()).Slots.Where(s => s.State == SlotState.Booked).Select(s => s.Index));
        await page.Context.CloseAsync();
    }
    [Fact]
    public async Task On_a_touch_screen_the_school_books_for_a_family_only_once_the_question_naming_that_family_is_confirmed()
    {
        var evening = await DemoEveningAsync();
        var sophie = TeacherId(evening, "Sophie");
        var page = await chromium.OpenMeetingPageAsync(web, "claire.dupont", null, $"reunions/{evening.Id}/grilles/{sophie}", Phone);
        var timetable = web.Services.GetRequiredService<IGrainFactory>().Timetable(evening.Id, sophie);
        var confirm = page.Locator("#meeting-confirm");
        var time = await Slot(page, 4).GetAttributeAsync("data-time");
        var family = page.Locator("#meeting-family");
        var value = await family.Locator("option").Nth(1).GetAttributeAsync("value");
        await family.SelectOptionAsync(value!);
        var name = (await family.Locator("option").Nth(1).TextContentAsync())!.Trim();

        await Slot(page, 4).ScrollIntoViewIfNeededAsync();
        await Slot(page, 4).Locator(".book").TapAsync();
        await Assertions.Expect(confirm).ToContainTextAsync($"Réserver {time} pour {name} ?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Non" }).TapAsync();
        await Assertions.Expect(confirm).ToBeHiddenAsync();
        Assert.DoesNotContain((await timetable.GetGridAsync()).Slots, s => s.Index == 4 && s.State == SlotState.Booked);

        await Slot(page, 4).Locator(".book").TapAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).TapAsync();
        await Assertions.Expect(Slot(page, 4)).ToHaveClassAsync(new Regex("\\bbooked\\b"));
        Assert.Contains((await timetable.GetGridAsync()).Slots, s => s.Index == 4 && s.State == SlotState.Booked);
        await page.Context.CloseAsync();
    }
}