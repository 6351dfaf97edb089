using Npgsql;

namespace ItSchool.Absences;

/// <summary>An absence as the school reads it: whose, when, which periods, who wrote it, and its reason if any.</summary>
public sealed record SchoolAbsence(Guid Id, Guid PupilId, string FirstName, string LastName, string ClassName, string? Matricule, DateOnly Day,
    AbsencePart Part, IReadOnlyList<int>? Periods, AbsenceSource Source, AbsenceReason? Reason)
{
    public bool Justified => Reason?.Justifying == true;

    public CountedAbsence Counted => new(PupilId, Day, Part, Periods, Justified);
}

/// <summary>A pupil's absences of a period, counted in half-days as the school counts them (<see cref="HalfDays"/>).</summary>
public sealed record PupilAbsences(Guid PupilId, string FirstName, string LastName, string ClassName, IReadOnlyList<MissedHalfDay> Missed)
{
    public int HalfDays => Missed.Count;

    public IReadOnlyList<MissedHalfDay> Unjustified => [.. Missed.Where(m => !m.Justified)];
}

/// <summary>The school's views of its absences: a period's, a class's, a pupil's; read straight from the table.</summary>
public sealed class AbsenceReports(NpgsqlDataSource db)
{
    /// <summary>The absences from <paramref name="from"/> to <paramref name="to"/> included, of one class or all, by class, pupil and day.</summary>
    public Task<IReadOnlyList<SchoolAbsence>> PeriodAsync(Guid schoolId, DateOnly from, DateOnly to, string? className,
        CancellationToken cancellationToken = default) =>
        ReadAsync("a.day BETWEEN @from AND @to AND (@class::text IS NULL OR p.class_name = @class)", schoolId, command =>
        {
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            command.Parameters.Add(new NpgsqlParameter<string?>("class", className));
        }, cancellationToken);

    /// <summary>All of a pupil's absences, oldest first; none for a pupil of another school.</summary>
    public Task<IReadOnlyList<SchoolAbsence>> PupilAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default) =>
        ReadAsync("a.pupil_id = @pupil", schoolId, command => command.Parameters.AddWithValue("pupil", pupilId), cancellationToken);

    /// <summary>Per pupil with at least one half-day missed, by class and name: the half-days as the school's settings count them.</summary>
    public static IReadOnlyList<PupilAbsences> Count(IReadOnlyList<SchoolAbsence> absences, AbsenceSettings settings)
    {
        var missed = HalfDays.Missed(absences.Select(a => a.Counted), settings).ToLookup(m => m.PupilId);
        return [.. absences.DistinctBy(a => a.PupilId)
            .Where(a => missed[a.PupilId].Any())
            .Select(a => new PupilAbsences(a.PupilId, a.FirstName, a.LastName, a.ClassName, [.. missed[a.PupilId]]))
            .OrderBy(p => p.ClassName).ThenBy(p => p.LastName).ThenBy(p => p.FirstName).ThenBy(p => p.PupilId)];
    }

    async Task<IReadOnlyList<SchoolAbsence>> ReadAsync(string where, Guid schoolId, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT a.id, p.id, p.first_name, p.last_name, p.class_name, p.reference, a.day, a.part, a.periods, a.source,
                   r.code, r.label, r.justifying, r.position
            FROM absences a
            JOIN pupils p ON p.id = a.pupil_id AND p.school_id = a.school_id
            LEFT JOIN absence_reasons r ON r.school_id = a.school_id AND r.code = a.reason_code
            WHERE a.school_id = @school AND {where}
            ORDER BY p.class_name, p.last_name, p.first_name, p.id, a.day, CASE a.part WHEN 'day' THEN 0 WHEN 'morning' THEN 1 ELSE 2 END
            """);
        command.Parameters.AddWithValue("school", schoolId);
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var absences = new List<SchoolAbsence>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var reason = reader.IsDBNull(10) ? null : new AbsenceReason(reader.GetString(10), reader.GetString(11), reader.GetBoolean(12), reader.GetInt32(13));
            absences.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateOnly>(6), AbsenceParts.Parse(reader.GetString(7)),
                reader.IsDBNull(8) ? null : [.. reader.GetFieldValue<short[]>(8).Select(p => (int)p)], AbsenceSources.Parse(reader.GetString(9)), reason));
        }
        return absences;
    }
}