using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Live;
using ItSchool.Pupils;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Invoices;

/// <summary>"invoices:{pupilId}": the child's invoice list reads itself again, for a guardian in that child's account.</summary>
public sealed class InvoicesLiveTopic(GuardianLinks pupils) : ILiveTopic
{
    public string Kind => "invoices";

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        Guid.TryParse(key, out var pupil) && user.Role == Role.Parent && user.PupilId == pupil
        && await pupils.IsGuardianAsync(user.SchoolId, user.Id, pupil, cancellationToken)
            ? new LiveWatch(InvoicesChanged.Topic(pupil))
            : null;

    public Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) => Task.FromResult<LiveChange?>(null);

    public Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences) =>
        Task.FromResult<LiveFragments?>(LiveSignal.Only);
}