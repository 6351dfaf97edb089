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
            INSERT INTO meeting_evenings (id, school_id, name, day, starts, ends, slot_minutes, opens_at, closes_at,
                                          max_per_pupil, max_per_parent_per_teacher, gap_between, created_at)
            VALUES (@id, @school, @name, @day, @starts, @ends, @slot, @opens, @closes, @per_pupil, @per_teacher, @gap, @now)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", evening.Id);
            insert.Parameters.AddWithValue("school", evening.SchoolId);
            insert.Parameters.AddWithValue("name", evening.Name);
            insert.Parameters.AddWithValue("day", evening.Day);
            insert.Parameters.AddWithValue("starts", evening.Starts);
            insert.Parameters.AddWithValue("ends", evening.Ends);
            insert.Parameters.AddWithValue("slot", evening.SlotMinutes);
            insert.Parameters.AddWithValue("opens", evening.OpensAt.ToUniversalTime());
            insert.Parameters.AddWithValue("closes", evening.ClosesAt.ToUniversalTime());
            insert.Parameters.AddWithValue("per_pupil", (object?)evening.MaxPerPupil ?? DBNull.Value);
            insert.Parameters.AddWithValue("per_teacher", evening.MaxPerParentPerTeacher);
            insert.Parameters.AddWithValue("gap", evening.GapBetween);
            insert.Parameters.AddWithValue("now", now.ToUniversalTime());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var teacher in evening.Teachers)
        {
            // Only a teacher of this school can take part: the SELECT finds nothing for anyone else.
            await using var add = new NpgsqlCommand("""
                INSERT INTO meeting_teachers (evening_id, teacher_id, room, classes)
                SELECT @evening, id, @room, @classes FROM users WHERE id = @teacher AND school_id = @school AND role = 'teacher'
                """, connection, transaction);
            add.Parameters.AddWithValue("evening", evening.Id);
            add.Parameters.AddWithValue("teacher", teacher.TeacherId);
            add.Parameters.AddWithValue("school", evening.SchoolId);
            add.Parameters.AddWithValue("room", (object?)teacher.Room ?? DBNull.Value);
            add.Parameters.AddWithValue("classes", teacher.Classes.ToArray());
            if (await add.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"{teacher.TeacherId} is not a teacher of school {evening.SchoolId}.");
            }
        }
        await transaction.CommitAsync(cancellationToken);
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

    /// <summary>Every appointment of the evening with the names a teacher or the school reads (the printable list).</summary>
    public async Task<IReadOnlyList<AppointmentLine>> LinesAsync(Guid schoolId, Guid eveningId, Guid? teacherId = null,
        Guid? parentId = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT a.teacher_id, a.slot, a.parent_id, a.pupil_id, u.first_name || ' ' || u.last_name, u.email,
                   p.first_name || ' ' || p.last_name, p.class_name
            FROM meeting_appointments a
            JOIN meeting_evenings e ON e.id = a.evening_id
            JOIN users u ON u.id = a.parent_id
            JOIN pupils p ON p.id = a.pupil_id
            WHERE e.school_id = @school AND a.evening_id = @evening
              AND (@teacher::uuid IS NULL OR a.teacher_id = @teacher) AND (@parent::uuid IS NULL OR a.parent_id = @parent)
            ORDER BY a.slot, a.teacher_id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("evening", eveningId);
        command.Parameters.Add(new NpgsqlParameter("teacher", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)teacherId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("parent", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)parentId ?? DBNull.Value });
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

    /// <summary>Every guardian of a pupil in these classes: whom the school may book for with this teacher.</summary>
    public async Task<IReadOnlyList<Family>> FamiliesAsync(Guid schoolId, IReadOnlyList<string> classes, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT u.id, p.id, u.first_name || ' ' || u.last_name, p.first_name || ' ' || p.last_name, p.class_name
            FROM guardianships g
            JOIN users u ON u.id = g.user_id
            JOIN pupils p ON p.id = g.pupil_id
            WHERE g.school_id = @school AND upper(p.class_name) = ANY(@classes)
            ORDER BY p.class_name, p.last_name, p.first_name, u.last_name, u.first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("classes", classes.Select(c => c.ToUpperInvariant()).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var families = new List<Family>();
        while (await reader.ReadAsync(cancellationToken))
        {
            families.Add(new Family(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return families;
    }

    async Task<IReadOnlyList<MeetingEvening>> ReadAsync(string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand($"""
            SELECT e.id, e.school_id, e.name, e.day, e.starts, e.ends, e.slot_minutes, e.opens_at, e.closes_at,
                   e.max_per_pupil, e.max_per_parent_per_teacher, e.gap_between,
                   t.teacher_id, u.first_name || ' ' || u.last_name, t.room, t.classes
            FROM meeting_evenings e
            LEFT JOIN meeting_teachers t ON t.evening_id = e.id
            LEFT JOIN users u ON u.id = t.teacher_id
            WHERE {where}
            ORDER BY e.day, e.starts, e.id, u.last_name, u.first_name
            """);
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
                evenings.Add(new MeetingEvening(id, reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                    reader.GetFieldValue<TimeOnly>(4), reader.GetFieldValue<TimeOnly>(5), reader.GetInt32(6),
                    reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                    reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.GetInt32(10), reader.GetBoolean(11), list));
            }
            if (!reader.IsDBNull(12))
            {
                list.Add(new MeetingTeacher(reader.GetGuid(12), reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetString(14),
                    reader.GetFieldValue<string[]>(15)));
            }
        }
        return evenings;
    }
}

/// <summary>An appointment with the names the teacher's list and the school's pages print.</summary>
public sealed record AppointmentLine(Guid TeacherId, int Slot, Guid ParentId, Guid PupilId, string ParentName, string? ParentEmail,
    string PupilName, string ClassName);
/// <summary>A guardian and one of their children, as the school picks them to book on their behalf.</summary>
public sealed record Family(Guid ParentId, Guid PupilId, string ParentName, string PupilName, string ClassName);