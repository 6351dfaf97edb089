using Npgsql;

namespace ItSchool.Meetings;

/// <summary>The school's meeting evenings as configured, and the appointment lists read across timetables.</summary>
public sealed class MeetingEvenings(NpgsqlDataSource db)
{
    public async Task CreateAsync(MeetingEvening evening, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO meeting_evenings (id, school_id, name, days, starts, ends, slot_minutes, opens_at, closes_at,
                                          max_per_pupil, max_per_parent_per_teacher, gap_between, created_at, revision)
            VALUES (@id, @school, @name, @days, @starts, @ends, @slot, @opens, @closes, @per_pupil, @per_teacher, @gap, @now, 1)
            """, connection, transaction))
        {
            Setup(insert.Parameters, evening);
            insert.Parameters.AddWithValue("now", now.ToUniversalTime());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await SaveTeachersAsync(connection, transaction, evening, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    static void Setup(NpgsqlParameterCollection parameters, MeetingEvening evening)
    {
        parameters.AddWithValue("id", evening.Id);
        parameters.AddWithValue("school", evening.SchoolId);
        parameters.AddWithValue("name", evening.Name);
        parameters.AddWithValue("days", evening.Days.ToArray());
        parameters.AddWithValue("starts", evening.Starts);
        parameters.AddWithValue("ends", evening.Ends);
        parameters.AddWithValue("slot", evening.SlotMinutes);
        parameters.AddWithValue("opens", evening.OpensAt.ToUniversalTime());
        parameters.AddWithValue("closes", evening.ClosesAt.ToUniversalTime());
        parameters.AddWithValue("per_pupil", (object?)evening.MaxPerPupil ?? DBNull.Value);
        parameters.AddWithValue("per_teacher", evening.MaxPerParentPerTeacher);
        parameters.AddWithValue("gap", evening.GapBetween);
    }

    /// <summary>The evening's teachers as given: new ones added, rooms and classes updated, the others (with their breaks) removed.</summary>
    static async Task SaveTeachersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MeetingEvening evening,
        CancellationToken cancellationToken)
    {
        await using (var remove = new NpgsqlCommand("""
            DELETE FROM meeting_breaks WHERE evening_id = @evening AND NOT teacher_id = ANY(@kept);
            DELETE FROM meeting_teachers WHERE evening_id = @evening AND NOT teacher_id = ANY(@kept);
            """, connection, transaction))
        {
            remove.Parameters.AddWithValue("evening", evening.Id);
            remove.Parameters.AddWithValue("kept", evening.Teachers.Select(t => t.TeacherId).ToArray());
            await remove.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var teacher in evening.Teachers)
        {
            // Only a teacher of this school can take part: the SELECT finds nothing for anyone else.
            await using var add = new NpgsqlCommand("""
                INSERT INTO meeting_teachers (evening_id, teacher_id, room, classes, pupils)
                SELECT @evening, id, @room, @classes, ARRAY(SELECT p.id FROM pupils p WHERE p.school_id = @school AND p.id = ANY(@pupils))
                FROM users WHERE id = @teacher AND school_id = @school AND role = 'teacher'
                ON CONFLICT (evening_id, teacher_id) DO UPDATE SET room = EXCLUDED.room, classes = EXCLUDED.classes, pupils = EXCLUDED.pupils
                """, connection, transaction);
            add.Parameters.AddWithValue("evening", evening.Id);
            add.Parameters.AddWithValue("teacher", teacher.TeacherId);
            add.Parameters.AddWithValue("school", evening.SchoolId);
            add.Parameters.AddWithValue("room", (object?)teacher.Room ?? DBNull.Value);
            add.Parameters.AddWithValue("classes", teacher.Classes.ToArray());
            // Only pupils of this school: the ARRAY above keeps no other id.
            add.Parameters.AddWithValue("pupils", (teacher.Pupils ?? []).ToArray());
            if (await add.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"{teacher.TeacherId} is not a teacher of school {evening.SchoolId}.");
            }
        }
    }

    /// <summary>
    /// The school's change to an evening. Appointments never move because of it: a change that would give a
    /// booked slot another date, time or length, or drop a teacher who has appointments, is refused whole.
    /// Breaks follow their date and time, and go if the new grid has no such slot. The evening's lock is held
    /// from the first read to the commit, so no booking slips in between (see <see cref="TimetableStore"/>).
    /// </summary>
    public async Task<EveningChange> UpdateAsync(MeetingEvening changed, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, changed.Id, cancellationToken);
        if ((await ReadAsync("e.school_id = @school AND e.id = @evening", cancellationToken, (connection, transaction),
                ("school", changed.SchoolId), ("evening", changed.Id))).SingleOrDefault() is not { } before)
        {
            return new EveningChange(EveningChangeOutcome.NotFound);
        }
        var (appointments, breaks) = await SlotsAsync(connection, transaction, changed.Id, cancellationToken);
        if (appointments.GroupBy(a => a.Teacher).FirstOrDefault(g => changed.Teacher(g.Key) is null) is { } dropped)
        {
            return new EveningChange(EveningChangeOutcome.TeacherHasAppointments, before, dropped.Count(), before.Teacher(dropped.Key)?.Name);
        }
        var moved = appointments.Count(a => SameSlotIn(before, changed, a.Slot) != a.Slot);
        if (moved > 0)
        {
            return new EveningChange(EveningChangeOutcome.AppointmentsWouldMove, before, moved);
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE meeting_evenings
            SET name = @name, days = @days, starts = @starts, ends = @ends, slot_minutes = @slot, opens_at = @opens, closes_at = @closes,
                max_per_pupil = @per_pupil, max_per_parent_per_teacher = @per_teacher, gap_between = @gap,
                revision = revision + 1, updated_at = @now
            WHERE id = @id AND school_id = @school
            """, connection, transaction))
        {
            Setup(update.Parameters, changed);
            update.Parameters.AddWithValue("now", now.ToUniversalTime());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await SaveTeachersAsync(connection, transaction, changed, cancellationToken);
        var kept = breaks.Where(b => changed.Teacher(b.Teacher) is not null)
            .Select(b => (b.Teacher, Slot: SameSlotIn(before, changed, b.Slot))).Where(b => b.Slot is not null).ToList();
        await using (var rebreak = new NpgsqlCommand("""
            DELETE FROM meeting_breaks WHERE evening_id = @evening;
            INSERT INTO meeting_breaks (evening_id, teacher_id, slot) SELECT @evening, t, s FROM unnest(@teachers, @slots) AS b (t, s);
            """, connection, transaction))
        {
            rebreak.Parameters.AddWithValue("evening", changed.Id);
            rebreak.Parameters.AddWithValue("teachers", kept.Select(b => b.Teacher).ToArray());
            rebreak.Parameters.AddWithValue("slots", kept.Select(b => b.Slot!.Value).ToArray());
            await rebreak.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new EveningChange(EveningChangeOutcome.Done, before);
    }

    /// <summary>
    /// Deletes the evening with its grids. The appointments it had are returned, and handed to
    /// <paramref name="telling"/> in the deletion's transaction, so the parents are told if and only if it commits;
    /// a write waiting on the evening's lock finds it gone and is refused.
    /// </summary>
    public async Task<(MeetingEvening Evening, IReadOnlyList<Appointment> Cancelled)?> DeleteAsync(Guid schoolId, Guid eveningId,
        Func<MeetingEvening, IReadOnlyList<Appointment>, NpgsqlConnection, NpgsqlTransaction, Task>? telling = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, eveningId, cancellationToken);
        if ((await ReadAsync("e.school_id = @school AND e.id = @evening", cancellationToken, (connection, transaction),
                ("school", schoolId), ("evening", eveningId))).SingleOrDefault() is not { } evening)
        {
            return null;
        }
        var cancelled = new List<Appointment>();
        await using (var delete = new NpgsqlCommand("""
            DELETE FROM meeting_appointments WHERE evening_id = @evening RETURNING teacher_id, slot, parent_id, pupil_id
            """, connection, transaction))
        {
            delete.Parameters.AddWithValue("evening", eveningId);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cancelled.Add(new Appointment(eveningId, reader.GetGuid(0), reader.GetInt32(1), reader.GetGuid(2), reader.GetGuid(3)));
            }
        }
        await using (var rest = new NpgsqlCommand("""
            DELETE FROM meeting_breaks WHERE evening_id = @evening;
            DELETE FROM meeting_teachers WHERE evening_id = @evening;
            DELETE FROM meeting_evenings WHERE id = @evening;
            """, connection, transaction))
        {
            rest.Parameters.AddWithValue("evening", eveningId);
            await rest.ExecuteNonQueryAsync(cancellationToken);
        }
        if (telling is not null)
        {
            await telling(evening, cancelled, connection, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return (evening, cancelled);
    }

    /// <summary>Waits for the writes to the evening's timetables under way, and holds back new ones until the transaction ends.</summary>
    static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eveningId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(TimetableStore.ExclusiveEveningLock, connection, transaction);
        command.Parameters.AddWithValue("e", eveningId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The slot of the changed evening at the same date, time and length as this one, if it has one.</summary>
    static int? SameSlotIn(MeetingEvening before, MeetingEvening changed, int slot) =>
        before.SlotMinutes != changed.SlotMinutes || slot >= before.SlotCount ? null : changed.SlotAt(before.SlotDay(slot), before.SlotStart(slot));

    static async Task<(List<(Guid Teacher, int Slot)> Appointments, List<(Guid Teacher, int Slot)> Breaks)> SlotsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eveningId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT true, teacher_id, slot FROM meeting_appointments WHERE evening_id = @evening
            UNION ALL
            SELECT false, teacher_id, slot FROM meeting_breaks WHERE evening_id = @evening
            """, connection, transaction);
        command.Parameters.AddWithValue("evening", eveningId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var (appointments, breaks) = (new List<(Guid, int)>(), new List<(Guid, int)>());
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetBoolean(0) ? appointments : breaks).Add((reader.GetGuid(1), reader.GetInt32(2)));
        }
        return (appointments, breaks);
    }

    /// <summary>An evening of this school (another school's id finds nothing).</summary>
    public async Task<MeetingEvening?> FindAsync(Guid schoolId, Guid eveningId, CancellationToken cancellationToken = default) =>
        (await ReadAsync("e.school_id = @school AND e.id = @evening", cancellationToken, ("school", schoolId), ("evening", eveningId)))
            .SingleOrDefault();

    /// <summary>For the grains, which know the evening by its id alone.</summary>
    public async Task<MeetingEvening?> FindAsync(Guid eveningId, CancellationToken cancellationToken = default) =>
        (await ReadAsync("e.id = @evening", cancellationToken, ("evening", eveningId))).SingleOrDefault();

    public Task<IReadOnlyList<MeetingEvening>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        ReadAsync("e.school_id = @school", cancellationToken, ("school", schoolId));

    /// <summary>
    /// Every appointment of the evening with the names a teacher or the school reads (the printable list), or
    /// those of one household: the parent's own and their children's, whichever guardian booked them (also a
    /// child whose guardianship has ended since: the parent still holds those). A household's lines carry no
    /// e-mail address: the other guardian's is not this parent's to read.
    /// </summary>
    public async Task<IReadOnlyList<AppointmentLine>> LinesAsync(Guid schoolId, Guid eveningId, Guid? teacherId = null,
        Guid? householdOf = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT a.teacher_id, a.slot, a.parent_id, a.pupil_id, u.first_name || ' ' || u.last_name,
                   CASE WHEN @household::uuid IS NULL THEN u.email END,
                   p.first_name || ' ' || p.last_name, p.class_name
            FROM meeting_appointments a
            JOIN meeting_evenings e ON e.id = a.evening_id
            JOIN users u ON u.id = a.parent_id
            JOIN pupils p ON p.id = a.pupil_id
            WHERE e.school_id = @school AND a.evening_id = @evening
              AND (@teacher::uuid IS NULL OR a.teacher_id = @teacher)
              AND (@household::uuid IS NULL OR a.parent_id = @household
                   OR a.pupil_id IN (SELECT g.pupil_id FROM guardianships g WHERE g.user_id = @household AND g.school_id = @school))
            ORDER BY a.slot, a.teacher_id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("evening", eveningId);
        command.Parameters.Add(new NpgsqlParameter("teacher", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)teacherId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("household", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)householdOf ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<AppointmentLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new AppointmentLine(reader.GetGuid(0), reader.GetInt32(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        }
        return lines;
    }

    /// <summary>The school's teachers, whom an evening may invite.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> TeachersAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, first_name || ' ' || last_name FROM users WHERE school_id = @school AND role = 'teacher' ORDER BY last_name, first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var teachers = new List<(Guid, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            teachers.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return teachers;
    }

    /// <summary>Every guardian of a pupil this teacher sees parents of: whom the school may book for with this teacher.</summary>
    public async Task<IReadOnlyList<Family>> FamiliesAsync(Guid schoolId, MeetingTeacher teacher, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT u.id, p.id, u.first_name || ' ' || u.last_name, p.first_name || ' ' || p.last_name, p.class_name
            FROM guardianships g
            JOIN users u ON u.id = g.user_id
            JOIN pupils p ON p.id = g.pupil_id
            WHERE g.school_id = @school AND (upper(p.class_name) = ANY(@classes) OR p.id = ANY(@pupils))
            ORDER BY p.class_name, p.last_name, p.first_name, u.last_name, u.first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("classes", teacher.Classes.Select(c => c.ToUpperInvariant()).ToArray());
        command.Parameters.AddWithValue("pupils", (teacher.Pupils ?? []).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var families = new List<Family>();
        while (await reader.ReadAsync(cancellationToken))
        {
            families.Add(new Family(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return families;
    }

    Task<IReadOnlyList<MeetingEvening>> ReadAsync(string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        ReadAsync(where, cancellationToken, null, parameters);

    /// <summary>Inside the transaction of a change when one is given (after the evening's lock).</summary>
    async Task<IReadOnlyList<MeetingEvening>> ReadAsync(string where, CancellationToken cancellationToken,
        (NpgsqlConnection Connection, NpgsqlTransaction Transaction)? inTransaction, params (string Name, object Value)[] parameters)
    {
        var sql = $"""
            SELECT e.id, e.school_id, e.name, e.days, e.starts, e.ends, e.slot_minutes, e.opens_at, e.closes_at,
                   e.max_per_pupil, e.max_per_parent_per_teacher, e.gap_between, e.revision,
                   t.teacher_id, u.first_name || ' ' || u.last_name, t.room, t.classes, t.pupils
            FROM meeting_evenings e
            LEFT JOIN meeting_teachers t ON t.evening_id = e.id
            LEFT JOIN users u ON u.id = t.teacher_id
            WHERE {where}
            ORDER BY e.days[1], e.starts, e.id, u.last_name, u.first_name
            """;
        await using var command = inTransaction is { } open ? new NpgsqlCommand(sql, open.Connection, open.Transaction) : db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var evenings = new List<MeetingEvening>();
        var teachers = new Dictionary<Guid, List<MeetingTeacher>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (!teachers.TryGetValue(id, out var list))
            {
                teachers[id] = list = [];
                evenings.Add(new MeetingEvening(id, reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateOnly[]>(3),
                    reader.GetFieldValue<TimeOnly>(4), reader.GetFieldValue<TimeOnly>(5), reader.GetInt32(6),
                    reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                    reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.GetInt32(10), reader.GetBoolean(11), list, reader.GetInt64(12)));
            }
            if (!reader.IsDBNull(13))
            {
                list.Add(new MeetingTeacher(reader.GetGuid(13), reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetString(15),
                    reader.GetFieldValue<string[]>(16), reader.GetFieldValue<Guid[]>(17)));
            }
        }
        return evenings;
    }
}

public enum EveningChangeOutcome
{
    Done,
    NotFound,
    TeacherHasAppointments,
    AppointmentsWouldMove,
}

/// <summary>What became of the school's change: <paramref name="Before"/> is the evening as it was (whose grids to refresh).</summary>
public sealed record EveningChange(EveningChangeOutcome Outcome, MeetingEvening? Before = null, int Appointments = 0, string? TeacherName = null);

/// <summary>An appointment with the names the teacher's list and the school's pages print.</summary>
public sealed record AppointmentLine(Guid TeacherId, int Slot, Guid ParentId, Guid PupilId, string ParentName, string? ParentEmail,
    string PupilName, string ClassName);
/// <summary>A guardian and one of their children, as the school picks them to book on their behalf.</summary>
public sealed record Family(Guid ParentId, Guid PupilId, string ParentName, string PupilName, string ClassName);