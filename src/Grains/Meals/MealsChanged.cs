using ItSchool.Live;

namespace ItSchool.Meals;

/// <summary>
/// A day's bookings changed: the kitchen's counts for that day ("meal-day:{schoolId}:{yyyy-MM-dd}") and the
/// calendars of the pupils concerned ("meals:{pupilId}") read themselves again.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MealsChanged(
    Guid SchoolId,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] IReadOnlyList<Guid> PupilIds) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [DayTopic(SchoolId, Day), .. PupilIds.Select(PupilTopic)];

    public static string DayTopic(Guid schoolId, DateOnly day) => $"meal-day:{schoolId}:{MealDays.Key(day)}";

    public static string PupilTopic(Guid pupilId) => $"meals:{pupilId}";
}