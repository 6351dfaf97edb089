namespace ItSchool.Absences;

/// <summary>
/// The days a school has lessons, as absences know them: Monday to Friday. Holidays are not known yet, so a weekday of
/// the holidays is still a school day here.
/// </summary>
public static class SchoolDays
{
    public static bool IsSchoolDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The school day <paramref name="step"/> days away, skipping weekends in that direction (-1 the one before, 1 the one after).</summary>
    public static DateOnly Next(DateOnly day, int step)
    {
        do
        {
            day = day.AddDays(step);
        }
        while (!IsSchoolDay(day));
        return day;
    }

    /// <summary>The first day of the school year <paramref name="day"/> falls in: September 1 (of the year before, until August).</summary>
    public static DateOnly SchoolYearStart(DateOnly day) => new(day.Month >= 9 ? day.Year : day.Year - 1, 9, 1);
}