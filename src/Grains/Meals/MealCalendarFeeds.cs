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
    public async Task<string> IssueAsync(Guid schoolId, Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        var token = FeedTokens.Draw();
        await using var command = db.CreateCommand("""
            INSERT INTO meal_calendar_feeds (user_id, pupil_id, school_id, token_hash, created_at) VALUES (@user, @pupil, @school, @hash, @now)
            ON CONFLICT (user_id, pupil_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
            """);
        command.Parameters.AddWithValue("user", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("hash", FeedTokens.Hash(token));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return token;
    }

    /// <summary>When this guardian's address for the pupil was drawn; null when there is none.</summary>
    public async Task<DateTimeOffset?> IssuedAtAsync(Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT created_at FROM meal_calendar_feeds WHERE user_id = @user AND pupil_id = @pupil");
        command.Parameters.AddWithValue("user", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

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