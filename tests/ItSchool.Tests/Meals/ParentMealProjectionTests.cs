using ItSchool.Web.Meals;

namespace ItSchool.Tests.Meals;

public sealed class ParentMealProjectionTests
{
    // Monday 2 March 2026.
    static readonly DateOnly Monday = new(2026, 3, 2);

    static List<(DateOnly, long)> Weekly(int perWeek, long cents) =>
        [.. Enumerable.Range(1, 4).SelectMany(week => Enumerable.Range(0, perWeek).Select(d => (Monday.AddDays(-7 * week + d), cents)))];

    [Fact]
    public void Five_meals_a_week_at_4_50_last_as_many_school_days_as_the_balance_pays_for()
    {
        // 45 € is ten meals: two school weeks from today, Monday 2 to Friday 13 March.
        var projection = MealProjection.Compute(4_500, Weekly(5, 450), Monday);
        Assert.Equal(5m, projection.MealsPerWeek);
        Assert.Equal(new DateOnly(2026, 3, 13), projection.EnoughUntil);
        Assert.Equal(0, projection.MealsAhead);
    }

    [Fact]
    public void The_meals_booked_ahead_are_already_paid_and_the_run_starts_after_the_last_of_them()
    {
        var held = Weekly(5, 450);
        held.AddRange([(Monday, 450), (Monday.AddDays(1), 450), (Monday.AddDays(2), 450)]);
        // 9 € is two more meals after Wednesday: Thursday and Friday.
        var projection = MealProjection.Compute(900, held, Monday);
        Assert.Equal(3, projection.MealsAhead);
        Assert.Equal(new DateOnly(2026, 3, 6), projection.EnoughUntil);
    }

    [Fact]
    public void Two_meals_a_week_spread_over_the_school_days_and_weekends_are_skipped()
    {
        // 2 a week at 5 € is 2 € a school day: 11 € covers five days (10 €) but not a sixth, Friday 6 March.
        var projection = MealProjection.Compute(1_100, Weekly(2, 500), Monday);
        Assert.Equal(2m, projection.MealsPerWeek);
        Assert.Equal(new DateOnly(2026, 3, 6), projection.EnoughUntil);
    }

    [Fact]
    public void A_balance_that_does_not_pay_the_next_day_is_enough_until_the_last_day_booked_and_no_pace_means_no_date()
    {
        Assert.Equal(Monday.AddDays(-3), MealProjection.Compute(100, Weekly(5, 450), Monday).EnoughUntil);
        Assert.Equal(Monday.AddDays(-3), MealProjection.Compute(-300, Weekly(5, 450), Monday).EnoughUntil);
        var none = MealProjection.Compute(4_500, [(Monday.AddDays(-40), 450), (Monday.AddDays(3), 450)], Monday);
        Assert.Null(none.MealsPerWeek);
        Assert.Null(none.EnoughUntil);
        Assert.Equal(1, none.MealsAhead);
        Assert.True(MealProjection.Compute(10_000_000, Weekly(1, 100), Monday).LastsOverAYear);
    }
}