using ItSchool.Meals;

namespace ItSchool.Tests.Meals;

/// <summary>
/// The day's bookings interleave while their debits are in flight: what the school does to the day meanwhile
/// (closing it, withdrawing an article) still ends with every meal refunded once, and a request sent twice at
/// once books once.
/// </summary>
public sealed class MealRushTests(MealCluster meals) : IClassFixture<MealCluster>
{
    [Fact]
    public async Task A_day_closed_in_the_middle_of_a_rush_ends_with_every_meal_refunded_once()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(6);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(capacity: 25), MealCluster.Soup);
        var pupils = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            pupils.Add(await meals.NewPupilAsync(school, 1_000));
        }

        var rush = pupils.Select((p, i) => meals.Day(school, day).BookAsync(MealCluster.Request(p, i % 2 == 0 ? "CHAUD" : "POTAGE"))).ToList();
        var closing = meals.Day(school, day).CloseAsync(ClosureReason.Strike);
        var late = pupils.Take(10).Select(p => meals.Day(school, day).BookAsync(MealCluster.Request(p, "POTAGE"))).ToList();
        var results = await Task.WhenAll(rush.Concat(late));
        var refunded = await closing;

        var booked = results.Count(r => r.Booked);
        Assert.Equal(booked, refunded);
        Assert.All(results.Where(r => !r.Booked), r => Assert.Equal(BookingRefusal.DayClosed, r.Refusal));
        Assert.All(late, r => Assert.Equal(BookingRefusal.DayClosed, r.Result.Refusal));
        Assert.Equal(0, await meals.BookingCountAsync(school, "pending", "booked", "cancelled"));
        Assert.Equal(await meals.LedgerCountAsync(school, "meal_reservation"), await meals.LedgerCountAsync(school, "cancellation"));
        foreach (var pupil in pupils)
        {
            Assert.Equal(1_000, await meals.MealBalanceAsync(pupil));
        }
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task An_article_withdrawn_in_the_middle_of_a_rush_is_refunded_and_the_other_stays_booked()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(7);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(), MealCluster.Soup);
        var pupils = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            pupils.Add(await meals.NewPupilAsync(school, 1_000));
        }

        var soups = pupils.Select(p => meals.Day(school, day).BookAsync(MealCluster.Request(p, "POTAGE"))).ToList();
        var hot = pupils.Select(p => meals.Day(school, day).BookAsync(MealCluster.Request(p))).ToList();
        var withdrawing = meals.Day(school, day).WithdrawAsync("CHAUD");
        await Task.WhenAll(soups.Concat(hot));
        Assert.True(await withdrawing);

        Assert.All(soups, s => Assert.True(s.Result.Booked));
        Assert.All(hot.Where(h => !h.Result.Booked), h => Assert.Equal(BookingRefusal.Withdrawn, h.Result.Refusal));
        var bookings = await meals.Day(school, day).GetBookingsAsync();
        Assert.All(bookings.Where(b => b.ArticleCode == "CHAUD"), b => Assert.Equal(BookingStatus.Refunded, b.Status));
        Assert.Equal(30, bookings.Count(b => b.ArticleCode == "POTAGE" && b.Status == BookingStatus.Booked));
        foreach (var pupil in pupils)
        {
            Assert.Equal(1_000 - MealCluster.Soup.PriceCents, await meals.MealBalanceAsync(pupil));
        }
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task The_same_request_sent_five_times_at_once_books_once_and_answers_the_same()
    {
        var school = await meals.NewSchoolAsync();
        var day = MealCluster.InDays(8);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(capacity: 3));
        var pupil = await meals.NewPupilAsync(school, 2_000);
        var request = MealCluster.Request(pupil);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => meals.Day(school, day).BookAsync(request)));

        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.True(answers[0].Booked);
        Assert.Equal(1, await meals.LedgerCountAsync(school, "meal_reservation"));
        Assert.Equal(1_550, await meals.MealBalanceAsync(pupil));
        await meals.AssertConsistentAsync(school);
    }
}