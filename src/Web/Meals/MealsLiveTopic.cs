using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Meals;

/// <summary>
/// "meals:{pupilId}": a child's calendar, watched by a guardian with that child's account open while the school
/// has meals on. A change carries no html: each calendar reads itself again, as its reader sees it (today's
/// colours, the reader's language), so a booking by the other guardian appears without reloading.
/// </summary>
public sealed class MealsLiveTopic(IGrainFactory grains, GuardianLinks pupils) : ILiveTopic
{
    public string Kind => "meals";

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        Guid.TryParse(key, out var pupil) && user.Role == Role.Parent && user.PupilId == pupil
        && (await grains.GetGrain<ISchoolGrain>(user.SchoolId).GetEnabledModulesAsync()).Contains(SchoolModule.Meals)
        && await pupils.IsGuardianAsync(user.SchoolId, user.Id, pupil, cancellationToken)
            ? new LiveWatch(MealsChanged.PupilTopic(pupil))
            : null;

    public Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) => Task.FromResult<LiveChange?>(null);

    public Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences) =>
        Task.FromResult(change is MealsChanged ? LiveSignal.Only : null);
}