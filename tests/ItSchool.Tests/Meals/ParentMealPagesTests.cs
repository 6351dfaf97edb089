using System.Net;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using static ItSchool.Tests.Meals.ParentMealRig;

namespace ItSchool.Tests.Meals;

/// <summary>The parents' meal pages over HTTP: the calendar, booking and cancelling through the day's dialog, and every forged input refused with nothing moved.</summary>
public sealed class ParentMealPagesTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    public Task InitializeAsync() => MealsOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_calendar_shows_open_and_closed_days_the_booked_meals_and_the_meals_balance()
    {
        var (child, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var open = await MenuAsync(web, SchoolDay(web, 2));
        // Far from the days the other tests book: a closed day stays closed.
        var closed = await MenuAsync(web, SchoolDay(web, 12));
        await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, closed).CloseAsync(ClosureReason.Strike);
        using var marc = await ParentAsync(web, "marc.dubois", child);
        Assert.Contains("Repas réservé", await BookFromDialogAsync(marc, open, child, "CHAUD"));

        foreach (var day in new[] { open, closed })
        {
            var page = await GetAsync(marc, $"/e/demo/repas?mois={day:yyyy-MM}");
            Assert.Contains("css/meals.css", page);
            Assert.Contains($"data-live-topic=\"meals:{child}\"", page);
            Assert.Contains($"data-cents=\"{5_000 - 450}\"", page);
            var cell = Cell(page, day);
            if (day == open)
            {
                Assert.StartsWith("<button", cell);
                Assert.Contains("has-meals", cell);
                Assert.Contains("réservé : Repas chaud", cell);
                Assert.Contains("class=\"meal booked\"", cell);
            }
            else
            {
                Assert.StartsWith("<div", cell);
                Assert.Contains("fermé : Grève", cell);
            }
        }
        var past = Today(web).AddDays(-1);
        if (past.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && past.Month == open.Month)
        {
            Assert.StartsWith("<div", Cell(await GetAsync(marc, $"/e/demo/repas?mois={open:yyyy-MM}"), past));
        }
    }

    [Fact]
    public async Task A_double_post_books_once_and_a_second_meal_the_same_day_is_a_second_booking()
    {
        var (child, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = await MenuAsync(web, SchoolDay(web, 2));
        using var marc = await ParentAsync(web, "marc.dubois", child);
        var key = KeyFor(await GetAsync(marc, DayUrl(day)), "CHAUD");

        var first = await BookAsync(marc, day, child, "CHAUD", key);
        var again = await BookAsync(marc, day, child, "CHAUD", key);
        Assert.Contains("Repas réservé : Repas chaud", first);
        Assert.Contains("Repas réservé : Repas chaud", again);
        Assert.Equal(5_000 - 450, await MealBalanceAsync(web, child));
        Assert.Single(await HeldAsync(web, day, child));

        Assert.Contains("Repas réservé : Potage", await BookFromDialogAsync(marc, day, child, "POTAGE"));
        var third = await BookFromDialogAsync(marc, day, child, "CHAUD");
        Assert.Contains("Repas réservé : Repas chaud", third);
        Assert.Equal(5_000 - 450 - 120 - 450, await MealBalanceAsync(web, child));
        Assert.Equal(3, (await HeldAsync(web, day, child)).Count);
        Assert.Equal(4, await LedgerCountAsync(web, child));

        // The booking's answer shows the day as the day's grain holds it, the meal just booked included, as a fresh dialog does.
        var dialog = await GetAsync(marc, DayUrl(day));
        Assert.Equal(3, dialog.Split("Annuler la réservation").Length - 1);
        Assert.Equal(3, third.Split("Annuler la réservation").Length - 1);
        Assert.True(Offers(third) > 1);
        Assert.Equal(Offers(dialog), Offers(third));
    }

    [Fact]
    public async Task Cancelling_before_the_cut_off_refunds_and_after_it_is_refused_with_the_moment_in_Brussels_time()
    {
        var (child, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = await MenuAsync(web, SchoolDay(web, 1));
        using var marc = await ParentAsync(web, "marc.dubois", child);
        await BookFromDialogAsync(marc, day, child, "CHAUD");
        await BookFromDialogAsync(marc, day, child, "POTAGE");
        var (hot, soup) = ((await HeldAsync(web, day, child)).Single(b => b.ArticleCode == "CHAUD"), (await HeldAsync(web, day, child)).Single(b => b.ArticleCode == "POTAGE"));

        Assert.Contains("Réservation annulée : Repas chaud, 4,50 € remboursé", await CancelAsync(marc, day, child, hot.Id));
        Assert.Equal(5_000 - 120, await MealBalanceAsync(web, child));

        web.Clock.Advance(SchoolTime.Moment(day, new TimeOnly(9, 1)) - web.Clock.GetUtcNow());
        var dialog = await GetAsync(marc, DayUrl(day));
        Assert.DoesNotContain("Annuler la réservation", dialog);
        Assert.Contains($"Annulation impossible : elle était possible jusqu'au {day:dd/MM/yyyy} 09:00 (heure de Bruxelles)", dialog);
        var ledger = await LedgerCountAsync(web, child);

        var forged = await CancelAsync(marc, day, child, soup.Id);
        Assert.Contains($"Annulation impossible : elle était possible jusqu'au {day:dd/MM/yyyy} 09:00", forged);
        var late = await BookAsync(marc, day, child, "CHAUD", Guid.NewGuid().ToString());
        Assert.Contains($"Trop tard : les réservations de ce jour étaient possibles jusqu'au {day:dd/MM/yyyy} 09:00 (heure de Bruxelles)", late);
        Assert.Equal(5_000 - 120, await MealBalanceAsync(web, child));
        Assert.Equal(ledger, await LedgerCountAsync(web, child));
    }

    [Fact]
    public async Task An_article_with_a_declared_allergen_is_shown_blocked_and_refused_and_too_little_money_says_what_is_available()
    {
        var (child, name) = await ChildAsync(web, 1_000, "marc.dubois");
        Assert.True(await web.Services.GetRequiredService<MealMenus>().SetAllergiesAsync(DemoSchool.Id, child, Allergens.Peanuts | Allergens.Fish));
        var day = await MenuAsync(web, SchoolDay(web, 2));
        using var marc = await ParentAsync(web, "marc.dubois", child);

        var dialog = await GetAsync(marc, DayUrl(day));
        Assert.Contains($"Réservation impossible : {name} est déclaré(e) allergique à Arachides.", dialog);
        Assert.Contains("Allergènes : Gluten, Lait", dialog);
        Assert.DoesNotContain("value=\"SATAY\"", dialog);

        var allergen = await BookAsync(marc, day, child, "SATAY", Guid.NewGuid().ToString());
        Assert.Contains($"{name} est déclaré(e) allergique à : Arachides. Cet article ne peut pas être réservé.", allergen);
        var poor = await BookAsync(marc, day, child, "FESTIN", Guid.NewGuid().ToString());
        // The meals compartment of the demo school may go 5 € below zero.
        Assert.Contains("Solde insuffisant : 15,00 € disponible pour ce repas.", poor);
        Assert.Equal(1_000, await MealBalanceAsync(web, child));
        Assert.Empty(await HeldAsync(web, day, child));
    }

    [Fact]
    public async Task Forged_pupils_articles_days_keys_and_bookings_get_a_clear_message_and_move_nothing()
    {
        var (child, name) = await ChildAsync(web, 5_000, "marc.dubois");
        var (other, _) = await ChildAsync(web, 5_000, "amelie.lefevre");
        var day = await MenuAsync(web, SchoolDay(web, 2));
        // No test gives this day a menu.
        var bare = SchoolDay(web, 15);
        var yesterday = await MenuAsync(web, Today(web).AddDays(-1));
        using var amelie = await ParentAsync(web, "amelie.lefevre", other);
        await BookFromDialogAsync(amelie, day, other, "CHAUD");
        var theirs = (await HeldAsync(web, day, other)).Single();
        using var marc = await ParentAsync(web, "marc.dubois", child);
        var before = (await MealBalanceAsync(web, child), await LedgerCountAsync(web, child), await MealBalanceAsync(web, other), await LedgerCountAsync(web, other));

        Assert.Contains($"Ce formulaire concernait un autre enfant que {name} : rien n'a été fait.", await BookAsync(marc, day, other, "CHAUD", Guid.NewGuid().ToString()));
        Assert.Contains("Cet article n'est pas au menu de ce jour : rien n'a été réservé.", await BookAsync(marc, day, child, "CAVIAR", Guid.NewGuid().ToString()));
        Assert.Contains("Cet article n'est pas au menu de ce jour : rien n'a été réservé.", await BookAsync(marc, bare, child, "CHAUD", Guid.NewGuid().ToString()));
        Assert.Contains("Ce jour ne peut pas être réservé (il est passé ou pas encore ouvert)", await BookAsync(marc, yesterday, child, "CHAUD", Guid.NewGuid().ToString()));
        Assert.Contains("Le formulaire est incomplet ou a expiré : rien n'a été fait.", await BookAsync(marc, day, child, "CHAUD", null));
        Assert.Contains("Le formulaire est incomplet ou a expiré : rien n'a été fait.", await BookAsync(marc, day, child, "CHAUD", new string('k', 200)));
        Assert.Contains($"Cette réservation n'existe pas pour {name} : rien n'a été annulé.", await CancelAsync(marc, day, child, theirs.Id));
        Assert.Contains($"Ce formulaire concernait un autre enfant que {name}", await CancelAsync(marc, day, other, theirs.Id));

        var notADay = await marc.GetAsync("/e/demo/repas/jour/31-02-2026");
        Assert.Equal(HttpStatusCode.NotFound, notADay.StatusCode);
        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync(DayUrl(day))).StatusCode);

        Assert.Equal(before, (await MealBalanceAsync(web, child), await LedgerCountAsync(web, child), await MealBalanceAsync(web, other), await LedgerCountAsync(web, other)));
        Assert.Single(await HeldAsync(web, day, other));
        Assert.Empty(await HeldAsync(web, day, child));
    }

    [Fact]
    public async Task The_dashboard_shows_the_next_three_meals_booked_and_the_way_to_the_calendar()
    {
        var (child, name) = await ChildAsync(web, 5_000, "marc.dubois");
        using var marc = await ParentAsync(web, "marc.dubois", child);
        Assert.Contains("Aucun repas réservé.", await GetAsync(marc, "/e/demo/tableau-de-bord"));
        var days = new List<DateOnly>();
        for (var ahead = 5; ahead >= 2; ahead--)
        {
            days.Add(await MenuAsync(web, SchoolDay(web, ahead)));
            await BookFromDialogAsync(marc, days[^1], child, ahead == 2 ? "POTAGE" : "CHAUD");
        }

        var dashboard = await GetAsync(marc, "/e/demo/tableau-de-bord");
        Assert.Contains($"Prochains repas de {name}", dashboard);
        Assert.Contains("href=\"repas\"", dashboard);
        var card = dashboard[dashboard.IndexOf("meal-next", StringComparison.Ordinal)..];
        card = card[..card.IndexOf("</ul>", StringComparison.Ordinal)];
        Assert.Equal(3, card.Split("data-booking").Length - 1);
        Assert.Contains("Potage", card);
        Assert.DoesNotContain((await HeldAsync(web, days[0], child)).Single().Id.ToString(), card);
    }

    /// <summary>The calendar cell of <paramref name="day"/>, from its opening tag to the next cell.</summary>
    static string Cell(string page, DateOnly day)
    {
        var marker = $"data-day=\"{MealDays.Key(day)}\"";
        var at = page.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at > 0, $"No cell for {day}");
        var start = page.LastIndexOf('<', at);
        var next = page.IndexOf("class=\"meal-day", at, StringComparison.Ordinal);
        return page[start..(next < 0 ? page.Length : next)];
    }

    static int Offers(string dialog) => dialog.Split("name=\"Article\" value=").Length - 1;
}