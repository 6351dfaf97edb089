using ItSchool.Schools;

namespace ItSchool.Meals;

/// <summary>
/// How a school takes bookings: how many days ahead, and until when (<see cref="CutOffTime"/> on the school day
/// <see cref="CutOffSchoolDays"/> before the meal, Brussels time: 09:00 and 0 is "09:00 the same day").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MealRules(
    [property: Id(0)] int HorizonDays,
    [property: Id(1)] TimeOnly CutOffTime,
    [property: Id(2)] int CutOffSchoolDays,
    [property: Id(3)] IReadOnlyList<string>? AllowedClasses)
{
    /// <summary>What a school that never set its rules gets: four weeks ahead, until 09:00 the same day, every class.</summary>
    public static MealRules Default { get; } = new(28, new TimeOnly(9, 0), 0, null);

    public const int MaxHorizonDays = 366;
    public const int MaxCutOffSchoolDays = 20;

    public bool IsValid => HorizonDays is >= 1 and <= MaxHorizonDays && CutOffSchoolDays is >= 0 and <= MaxCutOffSchoolDays
        && (AllowedClasses is null || (AllowedClasses.Count > 0 && AllowedClasses.All(c => !string.IsNullOrWhiteSpace(c))));

    /// <summary>The UTC moment after which a meal of <paramref name="day"/> can no longer be booked or cancelled.</summary>
    public DateTimeOffset CutOff(DateOnly day)
    {
        var cutOffDay = day;
        for (var left = CutOffSchoolDays; left > 0;)
        {
            cutOffDay = cutOffDay.AddDays(-1);
            if (cutOffDay.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                left--;
            }
        }
        return SchoolTime.Moment(cutOffDay, CutOffTime);
    }

    public bool Allows(string className) => AllowedClasses is null || AllowedClasses.Contains(className, StringComparer.Ordinal);
}