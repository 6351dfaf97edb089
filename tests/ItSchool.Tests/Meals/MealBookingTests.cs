using ItSchool.Meals;

namespace ItSchool.Tests.Meals;

/// <summary>Booking, cancelling and closing a day: each pays or refunds once, and the last portion goes to one parent.</summary>
public sealed class MealBookingTests(MealCluster meals) : IClassFixture<MealCluster>
{
    [Fact]
    public async Task A_booking_debits_the_meal_compartment_once_and_the_same_request_again_answers_the_same()
    {
        var school = await meals.NewSchoolAsync();
        var pupil = await meals.NewPupilAsync(school, 2_000);
        var day = MealCluster.InDays(2);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(), MealCluster.Soup);
        var request = MealCluster.Request(pupil);

        var first = await meals.Day(school, day).BookAsync(request);
        var again = await meals.Day(school, day).BookAsync(request);

        Assert.True(first.Booked);
        Assert.Equal(BookingStatus.Booked, first.Booking!.Status);
        Assert.Equal(450, first.Booking.AmountCents);
        Assert.Equal(1_550, first.BalanceCents);
        Assert.Equal(first, again);
        Assert.Equal(1_550, await meals.MealBalanceAsync(pupil));
        Assert.Equal(1, await meals.LedgerCountAsync(school, "meal_reservation"));
        // The same key for another article is not the same request.
        Assert.Equal(BookingRefusal.InvalidRequest, (await meals.Day(school, day).BookAsync(request with { ArticleCode = "POTAGE" })).Refusal);
        // A second meal the same day is a second booking.
        Assert.Equal(1_430, (await meals.Day(school, day).BookAsync(MealCluster.Request(pupil, "POTAGE"))).BalanceCents);
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_class_price_is_what_that_class_pays()
    {
        var school = await meals.NewSchoolAsync();
        var primary = await meals.NewPupilAsync(school, 2_000, "2A");
        var secondary = await meals.NewPupilAsync(school, 2_000, "5B");
        var day = MealCluster.InDays(2);
        await meals.MenuAsync(school, day, MealCluster.HotMeal());
        Assert.Null(await meals.Menus.SetClassPriceAsync(school, "CHAUD", ["1A", "2A"], 380));

        Assert.Equal(380, (await meals.Day(school, day).BookAsync(MealCluster.Request(primary))).Booking!.AmountCents);
        Assert.Equal(450, (await meals.Day(school, day).BookAsync(MealCluster.Request(secondary))).Booking!.AmountCents);
        var month = (await meals.Menus.MonthForPupilAsync(school, primary, day.Year, day.Month))!;
        Assert.Equal(380, month.Articles[day].Single().PriceCents);
        Assert.Equal("CHAUD", month.Meals.Single().ArticleCode);
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task Twenty_parents_at_once_on_five_portions_book_exactly_five()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(3);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(capacity: 5));
        var pupils = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            pupils.Add(await meals.NewPupilAsync(school, 1_000));
        }

        var results = await Task.WhenAll(pupils.Select(p => meals.Day(school, day).BookAsync(MealCluster.Request(p))));

        Assert.Equal(5, results.Count(r => r.Booked));
        Assert.Equal(15, results.Count(r => r.Refusal == BookingRefusal.SoldOut));
        Assert.Equal(5, await meals.BookingCountAsync(school, "booked"));
        Assert.Equal(5, await meals.LedgerCountAsync(school, "meal_reservation"));
        Assert.Equal(5, (await meals.Day(school, day).GetBookingsAsync()).Count(b => b.Status == BookingStatus.Booked));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_cancellation_before_the_cut_off_refunds_once_and_after_it_is_refused()
    {
        var school = await meals.NewSchoolAsync();
        var pupil = await meals.NewPupilAsync(school, 2_000);
        var early = MealCluster.InDays(3);
        var late = MealCluster.InDays(4);
        await meals.MenuAsync(school, early, MealCluster.HotMeal());
        await meals.MenuAsync(school, late, MealCluster.HotMeal());
        var kept = (await meals.Day(school, late).BookAsync(MealCluster.Request(pupil))).Booking!;
        var cancelled = (await meals.Day(school, early).BookAsync(MealCluster.Request(pupil))).Booking!;

        var refund = await meals.Day(school, early).CancelAsync(cancelled.Id, "cancel-1", MealCluster.Parent);
        var again = await meals.Day(school, early).CancelAsync(cancelled.Id, "cancel-2", MealCluster.Parent);

        Assert.Null(refund.Refusal);
        Assert.Equal(BookingStatus.Refunded, refund.Booking!.Status);
        Assert.Equal(RefundReason.CancelledByGuardian, refund.Booking.RefundReason);
        Assert.Equal(1_550, refund.BalanceCents);
        Assert.Equal(refund, again);
        Assert.Equal(1, await meals.LedgerCountAsync(school, "cancellation"));
        Assert.Equal(CancelRefusal.UnknownBooking, (await meals.Day(school, early).CancelAsync(kept.Id, "cancel-3", MealCluster.Parent)).Refusal);

        // The school moves its cut-off to midnight five school days before: four calendar days ahead is past it.
        Assert.True(await meals.Menus.SetRulesAsync(school, new MealRules(30, new TimeOnly(0, 0), 5, null)));
        Assert.Equal(CancelRefusal.AfterCutOff, (await meals.Day(school, late).CancelAsync(kept.Id, "cancel-4", MealCluster.Parent)).Refusal);
        Assert.Equal(1_550, await meals.MealBalanceAsync(pupil));
        Assert.Equal(BookingStatus.Booked, (await meals.Day(school, late).GetBookingsAsync()).Single().Status);
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task Closing_a_day_refunds_each_booking_once_even_when_closed_twice()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(5);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(), MealCluster.Soup);
        var pupils = new[] { await meals.NewPupilAsync(school, 1_000), await meals.NewPupilAsync(school, 1_000), await meals.NewPupilAsync(school, 1_000) };
        foreach (var pupil in pupils)
        {
            Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil))).Booked);
        }
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupils[0], "POTAGE"))).Booked);
        var cancelledBefore = (await meals.Day(school, day).BookAsync(MealCluster.Request(pupils[1], "POTAGE"))).Booking!;
        Assert.Null((await meals.Day(school, day).CancelAsync(cancelledBefore.Id, "c", MealCluster.Parent)).Refusal);

        var refunded = await meals.Day(school, day).CloseAsync(ClosureReason.Strike);
        var twice = await meals.Day(school, day).CloseAsync(ClosureReason.Holiday);

        Assert.Equal(4, refunded);
        Assert.Equal(4, twice);
        Assert.Equal(5, await meals.LedgerCountAsync(school, "cancellation"));
        foreach (var pupil in pupils)
        {
            Assert.Equal(1_000, await meals.MealBalanceAsync(pupil));
        }
        var bookings = await meals.Day(school, day).GetBookingsAsync();
        Assert.All(bookings, b => Assert.Equal(BookingStatus.Refunded, b.Status));
        Assert.Equal(1, bookings.Count(b => b.RefundReason == RefundReason.CancelledByGuardian));
        Assert.Equal("strike", await meals.Database.ScalarAsync<string>("SELECT reason FROM meal_closed_days WHERE school_id = @s", ("s", school)));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task Withdrawing_an_article_refunds_its_bookings_and_leaves_the_others()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(5);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(), MealCluster.Soup);
        var pupil = await meals.NewPupilAsync(school, 1_000);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil))).Booked);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(pupil, "POTAGE"))).Booked);
        // Leaving a booked article out of the menu would lose its bookings: it must be withdrawn instead.
        Assert.Equal(MenuProblem.ArticleHasBookings, await meals.Menus.SetDayAsync(school, day, [MealCluster.Soup]));

        Assert.True(await meals.Day(school, day).WithdrawAsync("CHAUD"));
        Assert.True(await meals.Day(school, day).WithdrawAsync("CHAUD"));

        var bookings = await meals.Day(school, day).GetBookingsAsync();
        Assert.Equal(RefundReason.ArticleWithdrawn, bookings.Single(b => b.ArticleCode == "CHAUD").RefundReason);
        Assert.Equal(BookingStatus.Booked, bookings.Single(b => b.ArticleCode == "POTAGE").Status);
        Assert.Equal(880, await meals.MealBalanceAsync(pupil));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_week_is_copied_onto_the_days_that_have_no_menu()
    {
        var school = await meals.NewSchoolAsync();
        var monday = MealCluster.InDays(7);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }
        await meals.MenuAsync(school, monday, MealCluster.HotMeal(capacity: 40), MealCluster.Soup);
        await meals.MenuAsync(school, monday.AddDays(1), MealCluster.Soup);
        await meals.MenuAsync(school, monday.AddDays(8), MealCluster.HotMeal());

        Assert.Equal(2, await meals.Menus.CopyWeekAsync(school, monday, monday.AddDays(7)));

        var pupil = await meals.NewPupilAsync(school);
        var month = (await meals.Menus.MonthForPupilAsync(school, pupil, monday.AddDays(7).Year, monday.AddDays(7).Month))!;
        Assert.Equal(["CHAUD", "POTAGE"], month.Articles[monday.AddDays(7)].Select(a => a.Code));
        Assert.Equal(40, month.Articles[monday.AddDays(7)][0].Capacity);
        Assert.Equal(["CHAUD"], month.Articles[monday.AddDays(8)].Select(a => a.Code));
    }
}