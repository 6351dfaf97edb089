using ItSchool.Notifications;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>A guardian to remind that their pupil has no meal booked in the week starting <see cref="Week"/> (a Monday).</summary>
public sealed record MealReminder(Guid SchoolId, string SchoolName, DateOnly Week, Guid PupilId, string PupilFirstName,
    Guid GuardianId, string Address, string GuardianName);

/// <summary>
/// "Nothing booked next week" as a durable job: in the 24 hours before the cut-off of a week's first open school
/// day with a menu, each guardian (with an address, account active, not opted out) of each pupil with nothing
/// booked that week gets one notification, as their preferences route it. Claiming the (guardian, pupil, week) row and queuing its mail happen in one
/// transaction, so any node may run it at any time, as often as it likes.
/// </summary>
public sealed class MealReminders(NpgsqlDataSource db)
{
    /// <summary>How long before the cut-off the reminder goes.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The schools that set their meal rules (a school without rules or menus is never reminded about).</summary>
    public async Task<IReadOnlyList<(Guid SchoolId, MealRules Rules)>> SchoolsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT school_id, horizon_days, cutoff_time, cutoff_school_days, allowed_classes FROM meal_rules");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schools = new List<(Guid, MealRules)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schools.Add((reader.GetGuid(0), new MealRules(reader.GetInt32(1), reader.GetFieldValue<TimeOnly>(2), reader.GetInt16(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4))));
        }
        return schools;
    }

    /// <summary>
    /// The week (its Monday) whose reminder is due at <paramref name="now"/>: the cut-off of its first open school
    /// day with a menu is less than <see cref="Window"/> away. Null when none is.
    /// </summary>
    public async Task<DateOnly?> WeekDueAsync(Guid schoolId, MealRules rules, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var today = Schools.SchoolTime.Day(now);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        // A cut-off may lie up to 20 school days before its meal: the weeks up to five ahead may be due.
        await using var command = db.CreateCommand("""
            SELECT min(a.day)
            FROM meal_articles a
            WHERE a.school_id = @school AND a.day BETWEEN @from AND @to AND a.withdrawn_at IS NULL AND extract(isodow FROM a.day) <= 5
              AND NOT EXISTS (SELECT 1 FROM meal_closed_days c WHERE c.school_id = a.school_id AND c.day = a.day)
            GROUP BY a.day - (extract(isodow FROM a.day)::int - 1)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("from", monday);
        command.Parameters.AddWithValue("to", monday.AddDays(7 * 6 - 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var first = reader.GetFieldValue<DateOnly>(0);
            var cutOff = rules.CutOff(first);
            if (now >= cutOff - Window && now < cutOff)
            {
                return first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
            }
        }
        return null;
    }

    /// <summary>Mails every guardian due a reminder for <paramref name="week"/> who has not had it; answers how many mails were queued.</summary>
    public async Task<int> SendAsync(Guid schoolId, MealRules rules, DateOnly week, DateTimeOffset now, Func<MealReminder, Notification> compose,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<MealReminder>();
        await using (var claim = new NpgsqlCommand("""
            WITH due AS (
                SELECT g.user_id, p.id AS pupil_id, p.first_name AS pupil_first_name, u.email, u.first_name || ' ' || u.last_name AS guardian_name
                FROM pupils p
                JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
                JOIN users u ON u.id = g.user_id AND u.deactivated_at IS NULL AND u.email IS NOT NULL AND btrim(u.email) <> ''
                WHERE p.school_id = @school AND (@classes::text[] IS NULL OR p.class_name = ANY(@classes))
                  AND NOT EXISTS (SELECT 1 FROM meal_bookings b WHERE b.pupil_id = p.id AND b.school_id = p.school_id
                                  AND b.day BETWEEN @week AND @week + 6 AND b.status IN ('pending', 'booked'))
                  AND NOT EXISTS (SELECT 1 FROM meal_reminder_opt_outs o WHERE o.user_id = u.id)),
            claimed AS (
                INSERT INTO meal_reminders_sent (user_id, pupil_id, week, sent_at)
                SELECT user_id, pupil_id, @week, @now FROM due
                ON CONFLICT DO NOTHING
                RETURNING user_id, pupil_id)
            SELECT s.name, d.pupil_id, d.pupil_first_name, d.user_id, d.email, d.guardian_name
            FROM due d JOIN claimed c USING (user_id, pupil_id) JOIN schools s ON s.id = @school
            ORDER BY d.pupil_first_name, d.guardian_name
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("school", schoolId);
            claim.Parameters.Add(new NpgsqlParameter<string[]?>("classes", rules.AllowedClasses?.ToArray())
            {
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
            });
            claim.Parameters.AddWithValue("week", week);
            claim.Parameters.AddWithValue("now", now);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new MealReminder(schoolId, reader.GetString(0), week, reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3),
                    reader.GetString(4), reader.GetString(5)));
            }
        }
        foreach (var reminder in due)
        {
            await NotificationRouting.SendAsync(connection, transaction, compose(reminder), now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    public async Task<bool> IsOptedOutAsync(Guid guardianId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM meal_reminder_opt_outs WHERE user_id = @user)");
        command.Parameters.AddWithValue("user", guardianId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Stops (or resumes) the reminders for this guardian account; saying it twice changes nothing.</summary>
    public async Task SetOptedOutAsync(Guid guardianId, bool optedOut, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(optedOut
            ? "INSERT INTO meal_reminder_opt_outs (user_id, opted_out_at) VALUES (@user, @now) ON CONFLICT DO NOTHING"
            : "DELETE FROM meal_reminder_opt_outs WHERE user_id = @user");
        command.Parameters.AddWithValue("user", guardianId);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}