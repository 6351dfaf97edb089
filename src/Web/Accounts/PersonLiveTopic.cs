using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "person:{userId}": what concerns one person on every page. Their sessions ending closes their connections
/// (<see cref="LiveSessions"/>); anything else (their household's appointments) makes their pages read again.
/// </summary>
public sealed class PersonLiveTopic : ILiveTopic
{
    public string Kind => PersonTopic.Kind;

    public Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        Task.FromResult(Guid.TryParse(key, out var id) && id == user.Id ? new LiveWatch(PersonTopic.Of(id)) : null);

    public Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) => Task.FromResult<LiveChange?>(null);

    public Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences) =>
        Task.FromResult<LiveFragments?>(LiveSignal.Only);
}