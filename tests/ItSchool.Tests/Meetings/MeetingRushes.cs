namespace ItSchool.Tests.Meetings;

/// <summary>
/// Tests that wake hundreds of grains at once run alone, after the others: run beside every other test
/// class they would share the test server's connection limit with them, and fail for that, not for a bug.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeetingRushes
{
    public const string Name = "Meeting rushes";

    /// <summary>
    /// The Orleans ADO.NET providers of every earlier test class opened connections through Npgsql's global
    /// pools, one per database, which keep idle connections for minutes: closed here, before a rush needs
    /// its own (nothing else runs beside this collection).
    /// </summary>
    public static void CloseIdleConnections() => Npgsql.NpgsqlConnection.ClearAllPools();
}