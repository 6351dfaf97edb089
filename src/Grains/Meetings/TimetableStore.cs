using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// A timetable's rows. Only its grain writes them, one change at a time; each change is one statement or
/// one transaction, so a move never leaves the parent with both slots or with none. Every write first takes
/// the evening's lock shared and finds the evening at the revision the grain decided on; the school's changes
/// take the same lock exclusively, so a write lands either wholly before a change (which sees it) or is
/// refused after it with <see cref="Refusal.EveningChanged"/>. The lock is an advisory one: a row lock
/// (FOR SHARE) taken by every booking of opening night would rewrite the evening's row for each new holder.
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

    /// <summary>The appointments of the evening these parents hold, with every teacher (what a household's agenda starts from).</summary>
    public async Task<List<Appointment>> AppointmentsOfAsync(Guid eveningId, IReadOnlyList<Guid> parents)
    {
        await using var command = db.CreateCommand(
            "SELECT teacher_id, slot, parent_id, pupil_id FROM meeting_appointments WHERE evening_id = @e AND parent_id = ANY(@parents)");
        command.Parameters.AddWithValue("e", eveningId);
        command.Parameters.AddWithValue("parents", parents.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var appointments = new List<Appointment>();
        while (await reader.ReadAsync())
        {
            appointments.Add(new Appointment(eveningId, reader.GetGuid(0), reader.GetInt32(1), reader.GetGuid(2), reader.GetGuid(3)));
        }
        return appointments;
    }

    /// <summary>
    /// Writes a booking the grain has already found free. What the grain cannot see alone is checked here
    /// under a lock per (evening, pupil): that the parent is the pupil's guardian, that this teacher sees the
    /// pupil's parents (by class or by name), and the pupil's limit counted over every teacher and both guardians.
    /// </summary>
    public async Task<Refusal?> BookAsync(MeetingEvening evening, Appointment booking, MeetingTeacher teacher, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var check = new NpgsqlCommand($"""
            {EveningLock};
            {CurrentRevision};
            SELECT pg_advisory_xact_lock(hashtextextended('meeting-pupil:' || @e::text || @pupil::text, 0));
            SELECT EXISTS (SELECT 1 FROM guardianships WHERE school_id = @school AND user_id = @parent AND pupil_id = @pupil),
                   EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school AND (upper(class_name) = ANY(@classes) OR id = ANY(@pupils))),
                   (SELECT count(*)::int FROM meeting_appointments WHERE evening_id = @e AND pupil_id = @pupil)
            """, connection, transaction))
        {
            check.Parameters.AddWithValue("e", booking.EveningId);
            check.Parameters.AddWithValue("school", evening.SchoolId);
            check.Parameters.AddWithValue("parent", booking.ParentId);
            check.Parameters.AddWithValue("pupil", booking.PupilId);
            check.Parameters.AddWithValue("classes", teacher.Classes.Select(c => c.ToUpperInvariant()).ToArray());
            check.Parameters.AddWithValue("pupils", (teacher.Pupils ?? []).ToArray());
            await using var reader = await check.ExecuteReaderAsync();
            await reader.NextResultAsync();
            if (!await reader.ReadAsync() || reader.GetInt64(0) != evening.Revision)
            {
                return Refusal.EveningChanged;
            }
            await reader.NextResultAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            if (!reader.GetBoolean(0) || !reader.GetBoolean(1))
            {
                return Refusal.NotTheirTeacher;
            }
            if (evening.MaxPerPupil is { } max && reader.GetInt32(2) >= max)
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
    public async Task<Refusal?> MoveAsync(Appointment from, int toSlot, long revision) =>
        await WriteAsync(from.EveningId, from.TeacherId, revision, """
            UPDATE meeting_appointments SET slot = @to
            WHERE evening_id = @e AND teacher_id = @t AND slot = @from AND parent_id = @parent AND @current
            RETURNING 1
            """, ("to", toSlot), ("from", from.Slot), ("parent", from.ParentId)) switch
        {
            null => Refusal.EveningChanged,
            0 => Refusal.NotYourAppointment,
            _ => null,
        };

    public async Task<Refusal?> CancelAsync(Appointment appointment, long revision) =>
        await WriteAsync(appointment.EveningId, appointment.TeacherId, revision, """
            DELETE FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t AND slot = @slot AND parent_id = @parent AND @current
            RETURNING 1
            """, ("slot", appointment.Slot), ("parent", appointment.ParentId)) is null ? Refusal.EveningChanged : null;

    public async Task<Refusal?> SetBreakAsync(Guid eveningId, Guid teacherId, int slot, bool isBreak, long revision) =>
        await WriteAsync(eveningId, teacherId, revision, isBreak
            ? "INSERT INTO meeting_breaks (evening_id, teacher_id, slot) SELECT @e, @t, @slot WHERE @current ON CONFLICT DO NOTHING RETURNING 1"
            : "DELETE FROM meeting_breaks WHERE evening_id = @e AND teacher_id = @t AND slot = @slot AND @current RETURNING 1",
            ("slot", slot)) is null ? Refusal.EveningChanged : null;

    /// <summary>Shared by every write to the evening's timetables, exclusive while the school changes the evening.</summary>
    public const string EveningLock = "SELECT pg_advisory_xact_lock_shared(hashtextextended('meeting-evening:' || @e::text, 0))";

    public const string ExclusiveEveningLock = "SELECT pg_advisory_xact_lock(hashtextextended('meeting-evening:' || @e::text, 0))";

    const string CurrentRevision = "SELECT revision FROM meeting_evenings WHERE id = @e";

    /// <summary>
    /// The evening's lock, its revision and the write in one batch, so one implicit transaction and one round trip; the
    /// write's <c>@current</c> holds only at the grain's revision. Null when the evening changed, or else the
    /// rows written.
    /// </summary>
    async Task<int?> WriteAsync(Guid eveningId, Guid teacherId, long revision, string write, params (string Name, object Value)[] parameters)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command(EveningLock, eveningId));
        batch.BatchCommands.Add(Command(CurrentRevision, eveningId));
        var command = Command(write.Replace("@current", "(SELECT revision FROM meeting_evenings WHERE id = @e) = @revision"), eveningId, teacherId);
        command.Parameters.AddWithValue("revision", revision);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        if (!await reader.ReadAsync() || reader.GetInt64(0) != revision)
        {
            return null;
        }
        await reader.NextResultAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
        }
        return rows;
    }

    static NpgsqlBatchCommand Command(string sql, Guid eveningId, Guid? teacherId = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("e", eveningId);
        if (teacherId is { } teacher)
        {
            command.Parameters.AddWithValue("t", teacher);
        }
        return command;
    }
}