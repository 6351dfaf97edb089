using Npgsql;

namespace ItSchool.Absences;

/// <summary>
/// The absences of a school's pupils and the reasons it accepts. A class register for a half-day is written in one
/// transaction: its ticked pupils become absent, its unticked ones lose the register's absence of that half-day (an
/// absence written otherwise, or a whole day, stays), so that saving the same ticks again changes nothing.
/// </summary>
public sealed class AbsenceRegister(NpgsqlDataSource db)
{
    /// <summary>The class's pupils in register order, each absent or not that half-day; empty for a class the school does not have.</summary>
    public async Task<IReadOnlyList<RegisterLine>> RegisterAsync(Guid schoolId, string className, DateOnly day, AbsencePart half,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.first_name, p.last_name,
                   EXISTS (SELECT 1 FROM absences a WHERE a.pupil_id = p.id AND a.day = @day AND a.part IN (@part, 'day')),
                   EXISTS (SELECT 1 FROM absences a WHERE a.pupil_id = p.id AND a.day = @day AND a.part = 'day'),
                   -- The whole day's writer first, else the half-day's: the one the register cannot take back decides.
                   (SELECT a.source FROM absences a WHERE a.pupil_id = p.id AND a.day = @day AND a.part IN (@part, 'day')
                    ORDER BY a.part = 'day' DESC, a.source = 'register' LIMIT 1)
            FROM pupils p
            WHERE p.school_id = @school AND p.class_name = @class
            ORDER BY p.last_name, p.first_name, p.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("class", className);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("part", AbsenceParts.Code(Half(half)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<RegisterLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new RegisterLine(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : AbsenceSources.Parse(reader.GetString(5))));
        }
        return lines;
    }

    public async Task<RegisterSaved> SaveRegisterAsync(Guid schoolId, string className, DateOnly day, AbsencePart half,
        IReadOnlyCollection<Guid> absentPupilIds, string actor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var part = AbsenceParts.Code(Half(half));
        if (!SchoolDays.IsSchoolDay(day))
        {
            return new RegisterSaved(RegisterRefusal.NotASchoolDay, 0);
        }
        if (day > Schools.SchoolTime.Day(now))
        {
            return new RegisterSaved(RegisterRefusal.Future, 0);
        }
        var absent = absentPupilIds.Distinct().ToArray();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locked, so that a pupil moved to another class meanwhile cannot be written into this register.
        var pupils = new HashSet<Guid>();
        await using (var members = new NpgsqlCommand("SELECT id FROM pupils WHERE school_id = @school AND class_name = @class FOR SHARE", connection, transaction))
        {
            members.Parameters.AddWithValue("school", schoolId);
            members.Parameters.AddWithValue("class", className);
            await using var reader = await members.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pupils.Add(reader.GetGuid(0));
            }
        }
        if (pupils.Count == 0)
        {
            return new RegisterSaved(RegisterRefusal.UnknownClass, 0);
        }
        if (!absent.All(pupils.Contains))
        {
            return new RegisterSaved(RegisterRefusal.NotInClass, 0);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            DELETE FROM absences
            WHERE school_id = @school AND day = @day AND part = @part AND source = 'register'
              AND pupil_id = ANY(@class_pupils) AND NOT (pupil_id = ANY(@absent))
            """));
        // A pupil already absent that half-day (the whole day, or written otherwise) keeps the absence they have.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, source, recorded_by, recorded_at)
            SELECT t.id, @school, t.pupil_id, @day, @part, 'register', @actor, @now
            FROM unnest(@ids, @absent) AS t(id, pupil_id)
            WHERE NOT EXISTS (SELECT 1 FROM absences a WHERE a.pupil_id = t.pupil_id AND a.day = @day AND a.part = 'day')
            ON CONFLICT (pupil_id, day, part) DO NOTHING
            """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT count(DISTINCT pupil_id)::int FROM absences
            WHERE pupil_id = ANY(@class_pupils) AND day = @day AND part IN (@part, 'day')
            """));
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("day", day);
            command.Parameters.AddWithValue("part", part);
            command.Parameters.AddWithValue("absent", absent);
            command.Parameters.AddWithValue("class_pupils", pupils.ToArray());
            command.Parameters.AddWithValue("ids", absent.Select(_ => Guid.CreateVersion7(now)).ToArray());
            command.Parameters.AddWithValue("actor", actor);
            command.Parameters.AddWithValue("now", now);
        }
        var count = (int)(await batch.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new RegisterSaved(null, count);
    }

    /// <summary>The pupil's absences, newest first, each with the family's latest justification; none for a pupil of another school.</summary>
    public async Task<IReadOnlyList<Absence>> ForPupilAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT a.id, a.day, a.part, r.code, r.label, r.justifying, r.position, a.recorded_at, a.source, a.periods,
                   j.id, jr.code, jr.label, jr.justifying, jr.position, j.comment, j.scan_name, j.status, j.decision_note, j.submitted_at
            FROM absences a
            LEFT JOIN absence_reasons r ON r.school_id = a.school_id AND r.code = a.reason_code
            LEFT JOIN absence_justifications j ON j.id = a.justification_id
            LEFT JOIN absence_reasons jr ON jr.school_id = j.school_id AND jr.code = j.reason_code
            WHERE a.school_id = @school AND a.pupil_id = @pupil
            ORDER BY a.day DESC, CASE a.part WHEN 'afternoon' THEN 0 WHEN 'day' THEN 1 ELSE 2 END
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var absences = new List<Absence>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var reason = reader.IsDBNull(3) ? null : ReasonAt(reader, 3);
            var justification = reader.IsDBNull(10) ? null : new Justification(reader.GetGuid(10), ReasonAt(reader, 11), reader.GetString(15),
                reader.IsDBNull(16) ? null : reader.GetString(16), AbsenceParts.Status(reader.GetString(17)), reader.IsDBNull(18) ? null : reader.GetString(18),
                reader.GetFieldValue<DateTimeOffset>(19));
            absences.Add(new Absence(reader.GetGuid(0), pupilId, reader.GetFieldValue<DateOnly>(1), AbsenceParts.Parse(reader.GetString(2)), reason,
                reader.GetFieldValue<DateTimeOffset>(7), AbsenceSources.Parse(reader.GetString(8)),
                reader.IsDBNull(9) ? null : [.. reader.GetFieldValue<short[]>(9).Select(p => (int)p)], justification));
        }
        return absences;
    }

    static AbsenceReason ReasonAt(NpgsqlDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetBoolean(first + 2), reader.GetInt32(first + 3));

    /// <summary>The school's reasons in their order.</summary>
    public async Task<IReadOnlyList<AbsenceReason>> ReasonsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT code, label, justifying, position FROM absence_reasons WHERE school_id = @school ORDER BY position, code");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reasons = new List<AbsenceReason>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reasons.Add(new AbsenceReason(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt32(3)));
        }
        return reasons;
    }

    /// <summary>Adds a reason at the end of the school's list, or changes the one with that code (its place stays).</summary>
    public async Task AddReasonAsync(Guid schoolId, string code, string label, bool justifying, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO absence_reasons (school_id, code, label, justifying, position)
            VALUES (@school, @code, @label, @justifying,
                    (SELECT COALESCE(max(position), 0) + 1 FROM absence_reasons WHERE school_id = @school))
            ON CONFLICT (school_id, code) DO UPDATE SET label = excluded.label, justifying = excluded.justifying
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("label", label);
        command.Parameters.AddWithValue("justifying", justifying);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A register is taken per half-day: a whole day is not one.
    static AbsencePart Half(AbsencePart part) =>
        part == AbsencePart.Day ? throw new ArgumentOutOfRangeException(nameof(part), part, "A register is a morning's or an afternoon's") : part;
}