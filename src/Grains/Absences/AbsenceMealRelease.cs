using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>
/// Releases the meals of reported absences: for each whole day a parent reported, the day's grain cancels and refunds
/// the pupil's meals, each once (the refund's key is the booking's). An absence is marked released only when its day has
/// answered that everything is done, so a crash or a purse that cannot answer leaves it for the next pass
/// (<see cref="ReleaseAsync(DateTimeOffset, CancellationToken)"/>, run by a job), which asks again harmlessly.
/// </summary>
public sealed class AbsenceMealRelease(NpgsqlDataSource db, IGrainFactory grains)
{
    /// <summary>Releases one report's meals; the number of meals refunded for it.</summary>
    public Task<int> ReleaseAsync(Guid justificationId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReleaseWhereAsync("a.justification_id = @justification", justificationId, now, cancellationToken);

    /// <summary>Releases every report's meals still owed, from the last week on.</summary>
    public Task<int> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReleaseWhereAsync("a.day >= @since", null, now, cancellationToken);

    async Task<int> ReleaseWhereAsync(string filter, Guid? justificationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owed = new List<(Guid Id, Guid School, Guid Pupil, DateOnly Day, bool WholeDay, bool HasMeals, DateTimeOffset At, bool EvenAfterCutOff, Actor By)>();
        await using (var command = db.CreateCommand($"""
            SELECT a.id, a.school_id, a.pupil_id, a.day, a.part = 'day', a.recorded_at, COALESCE(s.reports_release_after_cutoff, false),
                   u.id, u.first_name || ' ' || u.last_name,
                   EXISTS (SELECT 1 FROM meal_bookings m WHERE m.school_id = a.school_id AND m.day = a.day AND m.pupil_id = a.pupil_id
                                                           AND m.status IN ('pending', 'booked', 'cancelled'))
            FROM absences a
            JOIN absence_justifications j ON j.id = a.justification_id
            JOIN users u ON u.id = j.submitted_by
            LEFT JOIN absence_settings s ON s.school_id = a.school_id
            WHERE a.source = 'report' AND a.released_meals_at IS NULL AND {filter}
            """))
        {
            command.Parameters.AddWithValue("justification", (object?)justificationId ?? DBNull.Value);
            command.Parameters.AddWithValue("since", SchoolTime.Day(now).AddDays(-7));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                owed.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetFieldValue<DateOnly>(3), reader.GetBoolean(4),
                    reader.GetBoolean(9), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6),
                    new Actor(ActorKind.User, reader.GetGuid(7).ToString(), reader.GetString(8))));
            }
        }
        var (done, refunded) = (new List<Guid>(), 0);
        foreach (var absence in owed)
        {
            // Lunch falls in a whole day: a morning or an afternoon off keeps the meal.
            if (!absence.WholeDay || !absence.HasMeals)
            {
                done.Add(absence.Id);
                continue;
            }
            var release = await grains.Day(absence.School, absence.Day).ReleaseForAbsenceAsync(absence.Pupil, absence.At, absence.EvenAfterCutOff, absence.By);
            refunded += release.Refunded;
            if (release.Finished)
            {
                done.Add(absence.Id);
            }
        }
        if (done.Count > 0)
        {
            await using var mark = db.CreateCommand("UPDATE absences SET released_meals_at = @now WHERE id = ANY(@ids)");
            mark.Parameters.AddWithValue("now", now);
            mark.Parameters.AddWithValue("ids", done.ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        return refunded;
    }
}