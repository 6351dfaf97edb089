using System.Text.Json;

namespace ItSchool.Work;

public enum WorkStatus
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// Long work a manager asked for, run by any web node outside the request that asked (see <see cref="WorkItems"/>):
/// its kind says what it does, its arguments are the request's, and <see cref="Done"/> of <see cref="Total"/> is what a
/// page shows while it runs.
/// </summary>
public sealed record WorkItem(Guid Id, Guid SchoolId, string Kind, JsonElement Arguments, WorkStatus Status, int Total, int Done, long Version,
    int Attempts, WorkOutcome? Outcome, DateTimeOffset CreatedAt, string CreatedBy)
{
    public T ArgumentsAs<T>() => Arguments.Deserialize<T>(WorkItems.Json)!;

    public bool IsOver => Status is WorkStatus.Done or WorkStatus.Failed;
}

/// <summary>
/// Where the manager goes once the work is over: the result's page (relative to the school) and the notice it shows,
/// as codes and counts (see <c>Flash</c>), never prose.
/// </summary>
public sealed record WorkOutcome(string Page, string? Notice = null, int? N = null, int? M = null);