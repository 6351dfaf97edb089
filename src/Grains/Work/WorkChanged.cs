using ItSchool.Live;

namespace ItSchool.Work;

/// <summary>A work item moved on (more done, or over): its progress page reads itself again.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkChanged(Guid SchoolId, [property: Id(1)] Guid WorkId, [property: Id(2)] long ItemVersion) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [Topic(WorkId)];

    public override long Version => ItemVersion;

    public static string Topic(Guid workId) => $"work:{workId}";
}