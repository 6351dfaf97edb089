using ItSchool.Meals;
using Npgsql;

namespace ItSchool.Web.Meals;

/// <summary>What the parents' pages read across months: a child's meals held from a day on (the pace, the dashboard's next meals).</summary>
public sealed class ParentMealQueries(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<PupilMeal>> HeldFromAsync(Guid schoolId, Guid pupilId, DateOnly from, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT id, day, article_code, label, amount_cents FROM meal_bookings
            WHERE school_id = @school AND pupil_id = @pupil AND day >= @from AND status IN ('pending', 'booked')
            ORDER BY day, created_at LIMIT @limit
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var meals = new List<PupilMeal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            meals.Add(new PupilMeal(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                BookingStatus.Booked));
        }
        return meals;
    }
}