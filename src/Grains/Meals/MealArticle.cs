namespace ItSchool.Meals;

/// <summary>An article of a day's menu; <see cref="Compartment"/> is the purse compartment it is paid from; no capacity is unlimited.</summary>
[GenerateSerializer, Immutable]
public sealed record MealArticle(
    [property: Id(0)] string Code,
    [property: Id(1)] string Label,
    [property: Id(2)] long PriceCents,
    [property: Id(3)] int Compartment,
    [property: Id(4)] Allergens Allergens,
    [property: Id(5)] int? Capacity)
{
    public const int MaxLabel = 80;
    public const long MaxPriceCents = 100_000;
}

public enum MenuProblem
{
    InvalidArticle = 1,
    InvalidPrice = 2,
    InvalidCapacity = 3,
    DuplicateCode = 4,
    UnknownCompartment = 5,
    ArticleHasBookings = 6,
    CapacityBelowBookings = 7,
}

/// <summary>A meal a pupil holds (pending or booked).</summary>
[GenerateSerializer, Immutable]
public sealed record PupilMeal(
    [property: Id(0)] Guid Id,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] string ArticleCode,
    [property: Id(3)] string Label,
    [property: Id(4)] long AmountCents,
    [property: Id(5)] BookingStatus Status);

/// <summary>
/// One day of <see cref="PupilMealMonth"/>, as the day's grain saw it when it decided a booking: what the parent's
/// dialog shows again right after, without reading it a second time.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PupilMealDay(
    [property: Id(0)] Allergens Allergies,
    [property: Id(1)] IReadOnlyList<MealArticle> Articles,
    [property: Id(2)] ClosureReason? Closed,
    [property: Id(3)] IReadOnlyList<PupilMeal> Meals,
    [property: Id(4)] MealRules Rules)
{
    public PupilMealMonth AsMonth(DateOnly day) => new(Allergies,
        Articles.Count > 0 ? new Dictionary<DateOnly, IReadOnlyList<MealArticle>> { [day] = Articles } : [],
        Closed is { } reason ? new Dictionary<DateOnly, ClosureReason> { [day] = reason } : [], Meals, Rules);
}

/// <summary>A pupil's month: the articles each day offers (at the pupil's price), closed days, the pupil's meals and declared allergies.</summary>
public sealed record PupilMealMonth(
    Allergens Allergies,
    IReadOnlyDictionary<DateOnly, IReadOnlyList<MealArticle>> Articles,
    IReadOnlyDictionary<DateOnly, ClosureReason> Closed,
    IReadOnlyList<PupilMeal> Meals,
    MealRules Rules);