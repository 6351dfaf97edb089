namespace ItSchool.Web.Meals;

/// <summary>
/// How long the meals' money lasts. A booking is paid when it is made, so the balance already excludes the meals
/// booked ahead: it is the balance after them. The child's usual pace is the meals held on the school days of
/// the last four weeks (today excluded) divided by four, at their average price; from the day after the last
/// meal booked, each school day (Monday to Friday; holidays are not known ahead and are ignored) spends a fifth
/// of a week's meals, and the balance is enough until the last school day it still covers in full. No meal in
/// the last four weeks: no pace, no date.
/// </summary>
public sealed record MealProjection(long AvailableCents, int MealsAhead, decimal? MealsPerWeek, DateOnly? EnoughUntil, bool LastsOverAYear)
{
    public const int PaceWeeks = 4;

    public static MealProjection Compute(long availableCents, IReadOnlyList<(DateOnly Day, long AmountCents)> held, DateOnly today)
    {
        var ahead = held.Where(m => m.Day >= today).ToList();
        var recent = held.Where(m => m.Day >= today.AddDays(-7 * PaceWeeks) && m.Day < today).ToList();
        if (recent.Count == 0)
        {
            return new MealProjection(availableCents, ahead.Count, null, null, false);
        }
        var perWeek = recent.Count / (decimal)PaceWeeks;
        var price = recent.Average(m => (decimal)m.AmountCents);
        var perDay = perWeek / 5m * price;
        var start = ahead.Count == 0 ? today : ahead.Max(m => m.Day).AddDays(1);
        var covered = start.AddDays(-1);
        var spent = 0m;
        for (var day = start; day <= today.AddDays(366); day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            spent += perDay;
            if (spent > Math.Max(availableCents, 0))
            {
                return new MealProjection(availableCents, ahead.Count, perWeek, LastSchoolDayFrom(covered), false);
            }
            covered = day;
        }
        return new MealProjection(availableCents, ahead.Count, perWeek, null, true);
    }

    /// <summary>The day itself, or the Friday before when it falls on a weekend.</summary>
    static DateOnly LastSchoolDayFrom(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(-1),
        DayOfWeek.Sunday => day.AddDays(-2),
        _ => day,
    };
}