using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using ItSchool.Work;

namespace ItSchool.Web.Work;

/// <summary>"work:{id}": a work item of the watcher's school, for its managers; each change makes the progress read itself again.</summary>
public sealed class WorkLiveTopic(WorkItems items) : ILiveTopic
{
    public string Kind => "work";

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
        user.Role == Role.Manager && Guid.TryParse(key, out var id) && await items.FindAsync(user.SchoolId, id, cancellationToken) is not null
            ? new LiveWatch(WorkChanged.Topic(id))
            : null;

    public async Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) =>
        Guid.TryParse(topic.AsSpan("work:".Length), out var id) && await items.FindAsync(schoolId, id) is { } item
            ? new WorkChanged(schoolId, id, item.Version)
            : null;

    public Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences) =>
        Task.FromResult<LiveFragments?>(LiveSignal.Only);
}