using ItSchool.Platform;
using Npgsql;

namespace ItSchool.Events;

/// <summary>What a feed's address opens: the pupil's events, for the pupil's first name and the school's name.</summary>
public sealed record EventFeed(Guid SchoolId, string SchoolName, Guid PupilId, string PupilFirstName, IReadOnlyList<SchoolEvent> Events);

/// <summary>
/// A pupil's events as a calendar subscription, one address per guardian account and pupil, as the meals' feed
/// does it (<see cref="FeedTokens"/>): the token is shown to its guardian once, and a new one replaces it at once.
/// </summary>
public sealed class EventCalendarFeeds(NpgsqlDataSource db, SchoolEvents events, TimeProvider clock)
{
    /// <summary>How far back the feed goes: a calendar keeps what it had, so older events need not be sent again.</summary>
    public static readonly TimeSpan Back = TimeSpan.FromDays(90);

    /// <summary>Draws a new token for this guardian and pupil, replacing the previous one; the caller checked the guardianship.</summary>
    public Task<string> IssueAsync(Guid schoolId, Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default) =>
        FeedTokens.IssueAsync(db, "event_calendar_feeds", schoolId, guardianId, pupilId, clock.GetUtcNow(), cancellationToken);

    /// <summary>When this guardian's address for the pupil was drawn; null when there is none.</summary>
    public Task<DateTimeOffset?> IssuedAtAsync(Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default) =>
        FeedTokens.IssuedAtAsync(db, "event_calendar_feeds", guardianId, pupilId, cancellationToken);

    /// <summary>
    /// The feed a token opens in this school; null when the token is not one, or its guardian is no longer the
    /// pupil's or their account is deactivated.
    /// </summary>
    public async Task<EventFeed?> OpenAsync(Guid schoolId, string token, CancellationToken cancellationToken = default)
    {
        if (!FeedTokens.IsWellFormed(token))
        {
            return null;
        }
        await using var command = db.CreateCommand("""
            SELECT s.name, p.id, p.first_name
            FROM event_calendar_feeds f
            JOIN users u ON u.id = f.user_id AND u.school_id = f.school_id AND u.deactivated_at IS NULL
            JOIN guardianships g ON g.user_id = f.user_id AND g.pupil_id = f.pupil_id AND g.school_id = f.school_id
            JOIN pupils p ON p.id = f.pupil_id AND p.school_id = f.school_id
            JOIN schools s ON s.id = f.school_id
            WHERE f.token_hash = @hash AND f.school_id = @school
            """);
        command.Parameters.AddWithValue("hash", FeedTokens.Hash(token));
        command.Parameters.AddWithValue("school", schoolId);
        string schoolName, firstName;
        Guid pupilId;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            (schoolName, pupilId, firstName) = (reader.GetString(0), reader.GetGuid(1), reader.GetString(2));
        }
        var list = await events.ForPupilAsync(schoolId, pupilId, clock.GetUtcNow() - Back, cancellationToken);
        return new EventFeed(schoolId, schoolName, pupilId, firstName, list);
    }
}