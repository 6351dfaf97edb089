namespace ItSchool.Tests.Meetings;

/// <summary>
/// Tests that wake hundreds of grains at once run alone, after the others: run beside every other test
/// class they would share the test server's connection limit with them, and fail for that, not for a bug.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeetingRushes
{
    public const string Name = "Meeting rushes";
}