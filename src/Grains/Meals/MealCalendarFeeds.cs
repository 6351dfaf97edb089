using ItSchool.Platform;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>A meal as the feed shows it: the booking's id keeps the calendar's event the same from one sync to the next.</summary>
public sealed record FeedMeal(Guid BookingId, DateOnly Day, string Label);

/// <summary>What a feed's address opens: the pupil's booked meals, for the pupil's first name and the school's name.</summary>
public sealed record MealFeed(Guid SchoolId, string SchoolName, Guid PupilId, string PupilFirstName, IReadOnlyList<FeedMeal> Meals);

/// <summary>
/// The booked meals of a pupil as a calendar subscription, one address per guardian account and pupil. The
/// address's token is shown to its guardian once; only its SHA-256 is stored (a copy of the database opens no
/// calendar), and a new one replaces it at once.
/// </summary>
public sealed class MealCalendarFeeds(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>How far back the feed goes: a calendar keeps what it had, so older meals need not be sent again.</summary>
    public const int DaysBack = 60;

    /// <summary>Draws a new token for this guardian and pupil, replacing the previous one; the caller checked the guardianship.</summary>
    public Task<string> IssueAsync(Guid schoolId, Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default) =>
        FeedTokens.IssueAsync(db, "meal_calendar_feeds", schoolId, guardianId, pupilId, clock.GetUtcNow(), cancellationToken);

    /// <summary>When this guardian's address for the pupil was drawn; null when there is none.</summary>
    public Task<DateTimeOffset?> IssuedAtAsync(Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default) =>
        FeedTokens.IssuedAtAsync(db, "meal_calendar_feeds", guardianId, pupilId, cancellationToken);

    /// <summary>
    /// The feed a token opens in this school, from <see cref="DaysBack"/> days ago to <paramref name="lastDay"/>; null
    /// when the token is not one, or its guardian is no longer the pupil's or their account is deactivated.
    /// </summary>
    public async Task<MealFeed?> OpenAsync(Guid schoolId, string token, DateOnly today, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        if (!FeedTokens.IsWellFormed(token))
        {
            return null;
        }
        await using var command = db.CreateCommand("""
            SELECT s.name, p.id, p.first_name, b.id, b.day, b.label
            FROM meal_calendar_feeds f
            JOIN users u ON u.id = f.user_id AND u.school_id = f.school_id AND u.deactivated_at IS NULL
            JOIN guardianships g ON g.user_id = f.user_id AND g.pupil_id = f.pupil_id AND g.school_id = f.school_id
            JOIN pupils p ON p.id = f.pupil_id
            JOIN schools s ON s.id = f.school_id
            LEFT JOIN meal_bookings b ON b.pupil_id = p.id AND b.school_id = f.school_id AND b.status IN ('pending', 'booked')
                                     AND b.day BETWEEN @from AND @to
            WHERE f.token_hash = @hash AND f.school_id = @school
            ORDER BY b.day, b.created_at
            """);
        command.Parameters.AddWithValue("hash", FeedTokens.Hash(token));
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("from", today.AddDays(-DaysBack));
        command.Parameters.AddWithValue("to", lastDay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        MealFeed? feed = null;
        var meals = new List<FeedMeal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            feed ??= new MealFeed(schoolId, reader.GetString(0), reader.GetGuid(1), reader.GetString(2), meals);
            if (!reader.IsDBNull(3))
            {
                meals.Add(new FeedMeal(reader.GetGuid(3), reader.GetFieldValue<DateOnly>(4), reader.GetString(5)));
            }
        }
        return feed;
    }
}