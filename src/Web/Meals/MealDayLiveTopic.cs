using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Meals;

/// <summary>
/// "meal-day:{yyyy-MM-dd}": a day's bookings of the watcher's own school, for the kitchen (canteen and managers).
/// The page names the day only; the school comes from the person, so no one can watch another school's day.
/// A change makes the day's counts read themselves again.
/// </summary>
public sealed class MealDayLiveTopic(IGrainFactory grains) : ILiveTopic
{
    public string Kind => "meal-day";

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        user.Role is Role.Canteen or Role.Manager && KitchenPages.ParseDay(key) is { } day
        && (await grains.GetGrain<ISchoolGrain>(user.SchoolId).GetEnabledModulesAsync()).Contains(SchoolModule.Meals)
            ? new LiveWatch(MealsChanged.DayTopic(user.SchoolId, day))
            : null;

    public Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) => Task.FromResult<LiveChange?>(null);

    public Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences) =>
        Task.FromResult<LiveFragments?>(LiveSignal.Only);

    /// <summary>What a page puts in its data-live-topic for the day.</summary>
    public static string Topic(DateOnly day) => $"meal-day:{MealDays.Key(day)}";
}