using ItSchool.Meals;

namespace ItSchool.Tests.Meals;

/// <summary>Every reason the day's grain refuses a booking, each answered with its code and nothing moved.</summary>
public sealed class MealRefusalTests(MealCluster meals) : IClassFixture<MealCluster>
{
    async Task<(Guid School, Guid Pupil, DateOnly Day)> SchoolWithMenuAsync(long mealCents = 2_000, int? capacity = null)
    {
        var school = await meals.NewSchoolAsync();
        var pupil = await meals.NewPupilAsync(school, mealCents);
        var day = MealCluster.InDays(3);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(capacity), MealCluster.Soup);
        return (school, pupil, day);
    }

    /// <summary>Books and checks the refusal, that the pupil's money and the day's held bookings did not move.</summary>
    async Task<BookingResult> RefusedAsync(Guid school, DateOnly day, MealBooking request, BookingRefusal expected)
    {
        var balance = await meals.MealBalanceAsync(request.PupilId);
        var held = await meals.BookingCountAsync(school, "pending", "booked");
        var entries = await meals.LedgerCountAsync(school, "meal_reservation");

        var result = await meals.Day(school, day).BookAsync(request);

        Assert.Equal(expected, result.Refusal);
        Assert.False(result.Booked);
        Assert.Null(result.Booking);
        Assert.Equal(balance, await meals.MealBalanceAsync(request.PupilId));
        Assert.Equal(held, await meals.BookingCountAsync(school, "pending", "booked"));
        Assert.Equal(entries, await meals.LedgerCountAsync(school, "meal_reservation"));
        await meals.AssertConsistentAsync(school);
        return result;
    }

    [Fact]
    public async Task A_closed_day_is_refused()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();
        Assert.Equal(0, await meals.Day(school, day).CloseAsync(ClosureReason.Strike));

        await RefusedAsync(school, day, MealCluster.Request(pupil), BookingRefusal.DayClosed);

        await meals.Menus.ReopenDayAsync(school, day);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil))).Booked);
    }

    [Fact]
    public async Task A_past_day_and_a_day_beyond_the_horizon_are_refused()
    {
        var (school, pupil, _) = await SchoolWithMenuAsync();
        Assert.True(await meals.Menus.SetRulesAsync(school, MealRules.Default with { HorizonDays = 10 }));
        var yesterday = MealCluster.InDays(-1);
        var tooFar = MealCluster.InDays(11);
        await meals.MenuAsync(school, yesterday, MealCluster.HotMeal());
        await meals.MenuAsync(school, tooFar, MealCluster.HotMeal());

        await RefusedAsync(school, yesterday, MealCluster.Request(pupil), BookingRefusal.PastOrTooFar);
        await RefusedAsync(school, tooFar, MealCluster.Request(pupil), BookingRefusal.PastOrTooFar);

        var lastDay = MealCluster.InDays(10);
        await meals.MenuAsync(school, lastDay, MealCluster.HotMeal());
        Assert.True((await meals.Day(school, lastDay).BookAsync(MealCluster.Request(pupil))).Booked);
    }

    [Fact]
    public async Task A_booking_after_the_cut_off_is_refused()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();
        // Three calendar days ahead is at most three school days ahead: a cut-off five school days before has passed.
        Assert.True(await meals.Menus.SetRulesAsync(school, new MealRules(30, new TimeOnly(14, 0), 5, null)));

        await RefusedAsync(school, day, MealCluster.Request(pupil), BookingRefusal.AfterCutOff);
    }

    [Fact]
    public async Task An_unknown_or_withdrawn_article_is_refused()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();

        await RefusedAsync(school, day, MealCluster.Request(pupil, "FORGED"), BookingRefusal.UnknownArticle);
        Assert.True(await meals.Day(school, day).WithdrawAsync("POTAGE"));
        await RefusedAsync(school, day, MealCluster.Request(pupil, "POTAGE"), BookingRefusal.Withdrawn);
        Assert.False(await meals.Day(school, day).WithdrawAsync("FORGED"));
    }

    [Fact]
    public async Task The_portion_after_the_last_is_refused_as_sold_out()
    {
        var (school, first, day) = await SchoolWithMenuAsync(capacity: 1);
        var second = await meals.NewPupilAsync(school, 2_000);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(first))).Booked);

        await RefusedAsync(school, day, MealCluster.Request(second), BookingRefusal.SoldOut);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(second, "POTAGE"))).Booked);
    }

    [Fact]
    public async Task An_article_with_a_declared_allergen_is_refused_naming_the_allergens_it_shares()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();
        Assert.True(await meals.Menus.SetAllergiesAsync(school, pupil, Allergens.Milk | Allergens.Eggs));

        var result = await RefusedAsync(school, day, MealCluster.Request(pupil), BookingRefusal.Allergen);

        Assert.Equal(Allergens.Milk, result.Allergens);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil, "POTAGE"))).Booked);
    }

    [Fact]
    public async Task A_class_the_school_does_not_serve_is_refused()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();
        Assert.True(await meals.Menus.SetRulesAsync(school, MealRules.Default with { AllowedClasses = ["1A", "1B"] }));

        await RefusedAsync(school, day, MealCluster.Request(pupil), BookingRefusal.ClassNotAllowed);

        var allowed = await meals.NewPupilAsync(school, 2_000, "1B");
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(allowed))).Booked);
    }

    [Fact]
    public async Task A_purse_below_the_price_is_refused_with_what_it_can_spend_and_the_attempt_stays_failed()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync(mealCents: 300);
        var request = MealCluster.Request(pupil);

        var result = await RefusedAsync(school, day, request, BookingRefusal.InsufficientFunds);

        Assert.Equal(300, result.AvailableCents);
        Assert.Equal(1, await meals.BookingCountAsync(school, "failed"));
        // The same request later answers the same refusal: a failed attempt is never debited again under its key.
        await meals.Purse(pupil).CreditAsync(new(Guid.NewGuid().ToString(), 2, 1_000, ItSchool.Wallets.MovementKind.BankTopUp,
            ItSchool.Wallets.PaymentMethod.BankTransfer, ItSchool.Wallets.LedgerSubject.BankTopUp, MealCluster.Parent));
        Assert.Equal(1_300, (await RefusedAsync(school, day, request, BookingRefusal.InsufficientFunds)).AvailableCents);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil))).Booked);
    }

    [Fact]
    public async Task Another_school_s_pupil_and_a_malformed_request_are_refused()
    {
        var (school, pupil, day) = await SchoolWithMenuAsync();
        var stranger = await meals.NewPupilAsync(await meals.NewSchoolAsync(), 2_000);

        await RefusedAsync(school, day, MealCluster.Request(stranger), BookingRefusal.UnknownPupil);
        await RefusedAsync(school, day, MealCluster.Request(pupil, key: ""), BookingRefusal.InvalidRequest);
        await RefusedAsync(school, day, MealCluster.Request(pupil, key: new string('k', 101)), BookingRefusal.InvalidRequest);
        await RefusedAsync(school, day, MealCluster.Request(pupil, article: ""), BookingRefusal.InvalidRequest);
    }

    [Fact]
    public async Task A_menu_with_a_bad_article_is_refused_whole()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(4);

        Assert.Equal(MenuProblem.InvalidPrice, await meals.Menus.SetDayAsync(school, day, [MealCluster.Soup, MealCluster.HotMeal() with { PriceCents = -450 }]));
        Assert.Equal(MenuProblem.InvalidCapacity, await meals.Menus.SetDayAsync(school, day, [MealCluster.HotMeal(capacity: 0)]));
        Assert.Equal(MenuProblem.InvalidArticle, await meals.Menus.SetDayAsync(school, day, [MealCluster.Soup with { Code = "po tage" }]));
        Assert.Equal(MenuProblem.DuplicateCode, await meals.Menus.SetDayAsync(school, day, [MealCluster.Soup, MealCluster.Soup]));
        Assert.Equal(MenuProblem.UnknownCompartment, await meals.Menus.SetDayAsync(school, day, [MealCluster.Soup with { Compartment = 3 }]));
        Assert.False(await meals.Menus.SetRulesAsync(school, MealRules.Default with { HorizonDays = 0 }));

        Assert.Equal(0, await meals.Database.ScalarAsync<long>("SELECT count(*) FROM meal_articles WHERE school_id = @s", ("s", school)));
    }
}