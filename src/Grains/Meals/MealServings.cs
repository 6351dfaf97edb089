using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// The canteen's "served": which booked meals were handed out. A serving only adds a row (meal_servings is
/// append-only) and never touches the booking or the purse: the meal was paid when it was booked.
/// </summary>
public sealed class MealServings(NpgsqlDataSource db)
{
    /// <summary>The pupil behind an active card of the school, with the meals they hold on the day (served or not).</summary>
    public async Task<CardMeals?> ForCardAsync(Guid schoolId, string cardUid, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.first_name, b.id, b.label, s.served_at
            FROM pupil_cards c
            JOIN pupils p ON p.id = c.pupil_id AND p.school_id = c.school_id
            LEFT JOIN meal_bookings b ON b.pupil_id = p.id AND b.school_id = c.school_id AND b.day = @day AND b.status = 'booked'
            LEFT JOIN meal_servings s ON s.booking_id = b.id
            WHERE c.school_id = @school AND upper(c.uid) = upper(@uid) AND c.revoked_at IS NULL
            ORDER BY b.created_at, b.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("uid", cardUid.Trim());
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        CardMeals? found = null;
        var meals = new List<HeldMeal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found ??= new CardMeals(reader.GetGuid(0), reader.GetString(1), meals);
            if (!reader.IsDBNull(2))
            {
                meals.Add(new HeldMeal(reader.GetGuid(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }
        return found;
    }

    /// <summary>
    /// Records a booking of the school as served on <paramref name="day"/>: once only, and only a meal booked (paid,
    /// not cancelled) for that day. Anything else records nothing and says why.
    /// </summary>
    public async Task<ServeResult> ServeAsync(Guid schoolId, Guid bookingId, DateOnly day, string byId, string byName, Guid? terminalId,
        DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH served AS (
                INSERT INTO meal_servings (booking_id, school_id, day, served_at, served_by_id, served_by_name, terminal_id)
                SELECT id, school_id, day, @at, @by_id, @by_name, @terminal FROM meal_bookings
                WHERE id = @booking AND school_id = @school AND day = @day AND status = 'booked'
                ON CONFLICT (booking_id) DO NOTHING
                RETURNING booking_id)
            SELECT (SELECT count(*) FROM served), b.pupil_id, b.label, b.status, b.day, s.served_at
            FROM (SELECT 1) AS one
            LEFT JOIN meal_bookings b ON b.id = @booking AND b.school_id = @school
            LEFT JOIN meal_servings s ON s.booking_id = b.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("booking", bookingId);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("by_id", byId);
        command.Parameters.AddWithValue("by_name", byName);
        command.Parameters.AddWithValue("terminal", (object?)terminalId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.IsDBNull(1))
        {
            return new ServeResult(ServeOutcome.UnknownBooking, null, null);
        }
        var (pupil, label) = (reader.GetGuid(1), reader.GetString(2));
        // The statement's own insert is not visible to its select: a served row seen here was there before.
        var outcome = reader.GetInt64(0) == 1 ? ServeOutcome.Served
            : !reader.IsDBNull(5) ? ServeOutcome.AlreadyServed
            : reader.GetString(3) != "booked" ? ServeOutcome.NotBooked
            : reader.GetFieldValue<DateOnly>(4) != day ? ServeOutcome.NotToday
            : ServeOutcome.AlreadyServed;
        return new ServeResult(outcome, pupil, label);
    }
}

/// <summary>A pupil found by their card, and the meals they hold that day.</summary>
public sealed record CardMeals(Guid PupilId, string FirstName, IReadOnlyList<HeldMeal> Meals);

/// <summary>A booked meal; <see cref="ServedAt"/> is null until the till hands it out.</summary>
public sealed record HeldMeal(Guid BookingId, string Label, DateTimeOffset? ServedAt);

public enum ServeOutcome
{
    Served = 1,
    AlreadyServed = 2,
    /// <summary>No booking of this school by that id.</summary>
    UnknownBooking = 3,
    /// <summary>Cancelled, refunded, failed or still pending: no meal is owed.</summary>
    NotBooked = 4,
    NotToday = 5,
}

public sealed record ServeResult(ServeOutcome Outcome, Guid? PupilId, string? Label);