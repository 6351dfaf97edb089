using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>
/// The demo school's absences (demo mode only, right after its seed): three reasons, its settings (three days to justify,
/// a report releases meals even after the cut-off), two absences of Chloé in the last school days, a whole day off sick and
/// a morning nobody explained yet, so that her father's page shows both kinds, and an afternoon of Geneviève for her mother to
/// justify.
/// </summary>
public static class DemoAbsences
{
    public static async Task SeedAsync(AbsenceRegister register, NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await register.AddReasonAsync(DemoSchool.Id, "MALADIE", "Maladie", justifying: true, cancellationToken);
        await register.AddReasonAsync(DemoSchool.Id, "FAMILLE", "Raison familiale", justifying: true, cancellationToken);
        await register.AddReasonAsync(DemoSchool.Id, "AUTRE", "Autre", justifying: false, cancellationToken);
        await new AbsenceSettings(JustifyWithinDays: 3, ReportsReleaseAfterCutOff: true, PartialCountsAsHalfDay: true).SaveAsync(db, DemoSchool.Id, cancellationToken);

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var pupils = await DemoSchool.PupilIdsAsync(connection, cancellationToken);
        if (pupils.Count < 4)
        {
            return;
        }
        var (genevieve, chloe) = (pupils[2], pupils[3]);
        var (sick, unexplained) = (SchoolDayBefore(SchoolTime.Day(now), 4), SchoolDayBefore(SchoolTime.Day(now), 1));
        await using var insert = new NpgsqlCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, reason_code, source, recorded_by, recorded_at)
            VALUES (@sick_id, @school, @pupil, @sick, 'day', 'MALADIE', 'register', 'Claire Dupont', @now),
                   (@unexplained_id, @school, @pupil, @unexplained, 'morning', NULL, 'register', 'Claire Dupont', @now),
                   (@genevieve_id, @school, @genevieve, @genevieve_day, 'afternoon', NULL, 'register', 'Claire Dupont', @now)
            ON CONFLICT (pupil_id, day, part) DO NOTHING
            """, connection);
        insert.Parameters.AddWithValue("sick_id", Guid.CreateVersion7(now));
        insert.Parameters.AddWithValue("unexplained_id", Guid.CreateVersion7(now));
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("pupil", chloe);
        insert.Parameters.AddWithValue("sick", sick);
        insert.Parameters.AddWithValue("unexplained", unexplained);
        insert.Parameters.AddWithValue("genevieve_id", Guid.CreateVersion7(now));
        insert.Parameters.AddWithValue("genevieve", genevieve);
        insert.Parameters.AddWithValue("genevieve_day", SchoolDayBefore(SchoolTime.Day(now), 2));
        insert.Parameters.AddWithValue("now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The <paramref name="count"/>th weekday before <paramref name="day"/>.</summary>
    static DateOnly SchoolDayBefore(DateOnly day, int count)
    {
        while (count > 0)
        {
            day = day.AddDays(-1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                count--;
            }
        }
        return day;
    }
}