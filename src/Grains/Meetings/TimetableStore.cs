using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// A timetable's rows. Only its grain writes them, one change at a time; each change is one statement or
/// one transaction, so a move never leaves the parent with both slots or with none.
/// </summary>
public sealed class TimetableStore(NpgsqlDataSource db)
{
    public async Task<(IReadOnlyList<Appointment> Appointments, IReadOnlySet<int> Breaks)> LoadAsync(Guid eveningId, Guid teacherId)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT slot, parent_id, pupil_id FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t",
            eveningId, teacherId));
        batch.BatchCommands.Add(Command("SELECT slot FROM meeting_breaks WHERE evening_id = @e AND teacher_id = @t", eveningId, teacherId));
        await using var reader = await batch.ExecuteReaderAsync();
        var appointments = new List<Appointment>();
        while (await reader.ReadAsync())
        {
            appointments.Add(new Appointment(eveningId, teacherId, reader.GetInt32(0), reader.GetGuid(1), reader.GetGuid(2)));
        }
        await reader.NextResultAsync();
        var breaks = new HashSet<int>();
        while (await reader.ReadAsync())
        {
            breaks.Add(reader.GetInt32(0));
        }
        return (appointments, breaks);
    }

    /// <summary>A parent's appointments of the evening, with every teacher (what their agenda starts from).</summary>
    public async Task<List<Appointment>> AppointmentsOfAsync(Guid eveningId, Guid parentId)
    {
        await using var command = db.CreateCommand(
            "SELECT teacher_id, slot, pupil_id FROM meeting_appointments WHERE evening_id = @e AND parent_id = @parent");
        command.Parameters.AddWithValue("e", eveningId);
        command.Parameters.AddWithValue("parent", parentId);
        await using var reader = await command.ExecuteReaderAsync();
        var appointments = new List<Appointment>();
        while (await reader.ReadAsync())
        {
            appointments.Add(new Appointment(eveningId, reader.GetGuid(0), reader.GetInt32(1), parentId, reader.GetGuid(2)));
        }
        return appointments;
    }

    /// <summary>
    /// Writes a booking the grain has already found free. What the grain cannot see alone is checked here
    /// under a lock per (evening, pupil): that the parent is the pupil's guardian, that the pupil is in a class
    /// of this teacher, and the pupil's limit counted over every teacher and both guardians.
    /// </summary>
    public async Task<Refusal?> BookAsync(Guid schoolId, Appointment booking, IReadOnlyList<string> classes, int? maxPerPupil, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var check = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(hashtextextended('meeting-pupil:' || @e::text || @pupil::text, 0));
            SELECT EXISTS (SELECT 1 FROM guardianships WHERE school_id = @school AND user_id = @parent AND pupil_id = @pupil),
                   EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school AND upper(class_name) = ANY(@classes)),
                   (SELECT count(*)::int FROM meeting_appointments WHERE evening_id = @e AND pupil_id = @pupil)
            """, connection, transaction))
        {
            check.Parameters.AddWithValue("e", booking.EveningId);
            check.Parameters.AddWithValue("school", schoolId);
            check.Parameters.AddWithValue("parent", booking.ParentId);
            check.Parameters.AddWithValue("pupil", booking.PupilId);
            check.Parameters.AddWithValue("classes", classes.Select(c => c.ToUpperInvariant()).ToArray());
            await using var reader = await check.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (!reader.GetBoolean(0) || !reader.GetBoolean(1))
            {
                return Refusal.NotTheirTeacher;
            }
            if (maxPerPupil is { } max && reader.GetInt32(2) >= max)
            {
                return Refusal.PupilLimitReached;
            }
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO meeting_appointments (evening_id, teacher_id, slot, parent_id, pupil_id, booked_at)
            VALUES (@e, @t, @slot, @parent, @pupil, @now)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("e", booking.EveningId);
            insert.Parameters.AddWithValue("t", booking.TeacherId);
            insert.Parameters.AddWithValue("slot", booking.Slot);
            insert.Parameters.AddWithValue("parent", booking.ParentId);
            insert.Parameters.AddWithValue("pupil", booking.PupilId);
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return null;
    }

    /// <summary>One UPDATE: the old slot is freed in the very statement that takes the new one.</summary>
    public async Task<bool> MoveAsync(Appointment from, int toSlot)
    {
        await using var command = db.CreateCommand("""
            UPDATE meeting_appointments SET slot = @to
            WHERE evening_id = @e AND teacher_id = @t AND slot = @from AND parent_id = @parent
            """);
        command.Parameters.AddWithValue("e", from.EveningId);
        command.Parameters.AddWithValue("t", from.TeacherId);
        command.Parameters.AddWithValue("to", toSlot);
        command.Parameters.AddWithValue("from", from.Slot);
        command.Parameters.AddWithValue("parent", from.ParentId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task CancelAsync(Appointment appointment)
    {
        await using var command = db.CreateCommand("""
            DELETE FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t AND slot = @slot AND parent_id = @parent
            """);
        command.Parameters.AddWithValue("e", appointment.EveningId);
        command.Parameters.AddWithValue("t", appointment.TeacherId);
        command.Parameters.AddWithValue("slot", appointment.Slot);
        command.Parameters.AddWithValue("parent", appointment.ParentId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task SetBreakAsync(Guid eveningId, Guid teacherId, int slot, bool isBreak)
    {
        await using var command = db.CreateCommand(isBreak
            ? "INSERT INTO meeting_breaks (evening_id, teacher_id, slot) VALUES (@e, @t, @slot) ON CONFLICT DO NOTHING"
            : "DELETE FROM meeting_breaks WHERE evening_id = @e AND teacher_id = @t AND slot = @slot");
        command.Parameters.AddWithValue("e", eveningId);
        command.Parameters.AddWithValue("t", teacherId);
        command.Parameters.AddWithValue("slot", slot);
        await command.ExecuteNonQueryAsync();
    }

    static NpgsqlBatchCommand Command(string sql, Guid eveningId, Guid teacherId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("e", eveningId);
        command.Parameters.AddWithValue("t", teacherId);
        return command;
    }
}