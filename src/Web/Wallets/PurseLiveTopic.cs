using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Pupils;
using ItSchool.Wallets;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Wallets;

/// <summary>
/// "purse:{pupilId}": the child's balances and recent operations, watched by a guardian in that child's account.
/// The balances come with the change; the recent operations are read once per burst.
/// </summary>
public sealed class PurseLiveTopic(IGrainFactory grains, GuardianLinks pupils, LedgerQueries ledger, FragmentRenderer fragments) : ILiveTopic
{
    public string Kind => "purse";

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        Guid.TryParse(key, out var pupil) && user.Role == Role.Parent && user.PupilId == pupil
        && await pupils.IsGuardianAsync(user.SchoolId, user.Id, pupil, cancellationToken)
            ? new LiveWatch(PurseChanged.Topic(pupil))
            : null;

    public async Task<LiveChange?> CurrentAsync(Guid schoolId, string topic)
    {
        var pupil = Guid.Parse(topic[(Kind.Length + 1)..]);
        var purse = await grains.GetGrain<IPurseGrain>(pupil).GetPurseAsync();
        return new PurseChanged(schoolId, pupil, purse.Version, purse.Compartments, []);
    }

    public async Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences)
    {
        if (change is not PurseChanged purse)
        {
            return null;
        }
        var recent = await ledger.RecentAsync(purse.SchoolId, purse.PupilId, RecentOperations.Count);
        return async (_, culture) =>
            await fragments.RenderAsync<BalancesCard>(culture, new Dictionary<string, object?>
            {
                [nameof(BalancesCard.PupilId)] = purse.PupilId,
                [nameof(BalancesCard.Compartments)] = purse.Compartments,
                [nameof(BalancesCard.Version)] = purse.Version,
            }) + await fragments.RenderAsync<RecentOperations>(culture, new Dictionary<string, object?>
            {
                [nameof(RecentOperations.PupilId)] = purse.PupilId,
                [nameof(RecentOperations.Lines)] = recent,
                [nameof(RecentOperations.Compartments)] = purse.Compartments,
                [nameof(RecentOperations.Version)] = purse.Version,
            });
    }
}