using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Platform;
using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>
/// Absences from the school's management software, one half-day (or day) of one pupil per line, under a header line:
/// <c>matricule;date;moment;periodes;motif;id_ligne</c> (the last three optional). The pupil is found by the matricule
/// the pupils' import gave them. A line's import key is its id, or else its pupil, date and part, so that the same file
/// twice changes nothing and a corrected line updates its absence. The file is taken whole or not at all; an import
/// never removes an absence, and an empty reason never takes one away.
/// </summary>
public sealed class AbsenceImport(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxBytes = 1_000_000;
    public const int MaxLines = 5_000;
    public const int MaxLineId = 90;

    public static readonly IReadOnlyList<string> Columns = ["matricule", "date", "moment", "periodes", "motif", "id_ligne"];
    static readonly IReadOnlyList<string> Required = ["matricule", "date", "moment"];

    // Other spellings of the columns, so that a Dutch or English export of the school's software reads without renaming.
    static readonly Dictionary<string, string> Aliases = new()
    {
        ["stamnummer"] = "matricule",
        ["pupil"] = "matricule",
        ["pupil_number"] = "matricule",
        ["datum"] = "date",
        ["day"] = "date",
        ["jour"] = "date",
        ["part"] = "moment",
        ["partie"] = "moment",
        ["dagdeel"] = "moment",
        ["periods"] = "periodes",
        ["lesuren"] = "periodes",
        ["reason"] = "motif",
        ["reden"] = "motif",
        ["line_id"] = "id_ligne",
        ["lijn_id"] = "id_ligne",
        ["id"] = "id_ligne",
    };

    static readonly string[] DayFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"];

    static readonly Dictionary<string, AbsencePart> PartWords = new()
    {
        ["matin"] = AbsencePart.Morning,
        ["am"] = AbsencePart.Morning,
        ["voormiddag"] = AbsencePart.Morning,
        ["morning"] = AbsencePart.Morning,
        ["apres-midi"] = AbsencePart.Afternoon,
        ["apresmidi"] = AbsencePart.Afternoon,
        ["pm"] = AbsencePart.Afternoon,
        ["namiddag"] = AbsencePart.Afternoon,
        ["afternoon"] = AbsencePart.Afternoon,
        ["journee"] = AbsencePart.Day,
        ["jour"] = AbsencePart.Day,
        ["day"] = AbsencePart.Day,
        ["dag"] = AbsencePart.Day,
    };

    /// <summary>A line as the file says it, before the school is asked who the pupil is.</summary>
    public sealed record Row(int Line, string Matricule, DateOnly Day, AbsencePart Part, IReadOnlyList<int>? Periods, string? Reason, string? LineId);

    /// <summary>What the file would do to the school's absences now; writes nothing.</summary>
    public async Task<AbsenceImportPlan> PlanAsync(Guid schoolId, string text, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await PlanAsync(connection, null, schoolId, text, cancellationToken);
    }

    /// <summary>Plans the file again against the absences as they are now and, when every line is valid, writes all of it at once.</summary>
    public async Task<AbsenceImportPlan> ApplyAsync(Guid schoolId, string text, string actor, CancellationToken cancellationToken = default)
    {
        try
        {
            return await TryApplyAsync(schoolId, text, actor, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A register saved the same half-day between the plan and the write: planned again, the line finds it.
            return await TryApplyAsync(schoolId, text, actor, cancellationToken);
        }
    }

    async Task<AbsenceImportPlan> TryApplyAsync(Guid schoolId, string text, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One import of a school at a time: two clicks on "confirm" must not both add the same lines.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('absence-import:' || @school::text, 0))", connection, transaction))
        {
            gate.Parameters.AddWithValue("school", schoolId);
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }
        var plan = await PlanAsync(connection, transaction, schoolId, text, cancellationToken);
        if (!plan.IsValid)
        {
            return plan;
        }
        var now = clock.GetUtcNow();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var line in plan.Lines.Where(l => l.Change != AbsenceImportChange.Unchanged))
        {
            var command = line.Change == AbsenceImportChange.Add
                ? new NpgsqlBatchCommand("""
                    INSERT INTO absences (id, school_id, pupil_id, day, part, periods, reason_code, source, recorded_by, recorded_at, import_key)
                    VALUES (@id, @school, @pupil, @day, @part, @periods, @reason, 'import', @actor, @now, @key)
                    """)
                // An absence the register or the family wrote keeps what it says but takes the reason the software gives.
                : new NpgsqlBatchCommand("""
                    UPDATE absences SET
                        pupil_id = CASE WHEN source = 'import' THEN @pupil ELSE pupil_id END,
                        day = CASE WHEN source = 'import' THEN @day ELSE day END,
                        part = CASE WHEN source = 'import' THEN @part ELSE part END,
                        periods = CASE WHEN source = 'import' THEN @periods ELSE periods END,
                        reason_code = COALESCE(@reason, reason_code)
                    WHERE id = @id AND school_id = @school
                    """);
            command.Parameters.AddWithValue("id", line.ExistingId ?? Guid.CreateVersion7(now));
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("pupil", line.PupilId);
            command.Parameters.AddWithValue("day", line.Day);
            command.Parameters.AddWithValue("part", AbsenceParts.Code(line.Part));
            command.Parameters.Add(new NpgsqlParameter<short[]?>("periods", line.Periods?.Select(p => (short)p).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<string?>("reason", line.ReasonCode));
            command.Parameters.AddWithValue("actor", actor);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("key", line.ImportKey);
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return plan;
    }

    /// <summary>The rows of the file, or what is wrong with it, line by line; reads no database.</summary>
    public static (IReadOnlyList<Row> Rows, IReadOnlyList<AbsenceImportError> Errors) Parse(string text, DateOnly today)
    {
        if (text.Length > MaxBytes)
        {
            return ([], [new(1, AbsenceImportProblem.TooLarge)]);
        }
        var (records, unclosed) = CsvText.Read(text);
        if (records.Count == 0)
        {
            return ([], [new(1, AbsenceImportProblem.Empty)]);
        }
        if (records.Count - 1 > MaxLines)
        {
            return ([], [new(1, AbsenceImportProblem.TooManyLines, MaxLines.ToString(CultureInfo.InvariantCulture))]);
        }
        var header = records[0];
        var columns = header.Fields.Select(HeaderName).ToList();
        var errors = new List<AbsenceImportError>();
        foreach (var unknown in header.Fields.Where((f, i) => !Columns.Contains(columns[i]) && f.Trim().Length > 0))
        {
            errors.Add(new(header.Line, AbsenceImportProblem.UnknownColumn, unknown.Trim()));
        }
        foreach (var missing in Required.Where(c => !columns.Contains(c)))
        {
            errors.Add(new(header.Line, AbsenceImportProblem.MissingColumn, missing));
        }
        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var rows = new List<Row>();
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Skip(columns.Count).Any(f => f.Trim().Length > 0))
            {
                errors.Add(new(record.Line, AbsenceImportProblem.TooManyFields));
                continue;
            }
            if (ReadRow(record, columns, today, errors) is { } row)
            {
                rows.Add(row);
            }
        }
        if (unclosed is { } line)
        {
            errors.Add(new(line, AbsenceImportProblem.UnclosedQuote));
        }
        if (errors.Count == 0 && rows.Count == 0)
        {
            errors.Add(new(header.Line, AbsenceImportProblem.Empty));
        }
        return (rows, [.. errors.OrderBy(e => e.Line)]);
    }

    static Row? ReadRow(CsvText.Record record, List<string> columns, DateOnly today, List<AbsenceImportError> errors)
    {
        var count = errors.Count;
        string Value(string column)
        {
            var index = columns.IndexOf(column);
            return index >= 0 && index < record.Fields.Count ? record.Fields[index].Trim() : "";
        }
        void Error(AbsenceImportProblem problem, string? value = null) => errors.Add(new(record.Line, problem, value));

        foreach (var column in Required.Where(c => Value(c).Length == 0))
        {
            Error(AbsenceImportProblem.MissingValue, column);
        }
        var dayText = Value("date");
        DateOnly? day = DateOnly.TryParseExact(dayText, DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
        if (dayText.Length > 0 && day is null)
        {
            Error(AbsenceImportProblem.BadDate, dayText);
        }
        else if (day is { } d && !SchoolDays.IsSchoolDay(d))
        {
            Error(AbsenceImportProblem.NotSchoolDay, SchoolTime.Date(d));
        }
        else if (day > today)
        {
            Error(AbsenceImportProblem.FutureDay, SchoolTime.Date(day.Value));
        }
        var partText = Value("moment");
        AbsencePart? part = PartWords.TryGetValue(ParentAccounts.Comparable(partText).Replace(" ", "").Replace('_', '-'), out var p) ? p : null;
        if (partText.Length > 0 && part is null)
        {
            Error(AbsenceImportProblem.BadPart, partText);
        }
        var periodsText = Value("periodes");
        var periods = periodsText.Length == 0 ? null : Periods(periodsText);
        if (periodsText.Length > 0 && periods is null)
        {
            Error(AbsenceImportProblem.BadPeriods, periodsText);
        }
        else if (periods is not null && part == AbsencePart.Day)
        {
            Error(AbsenceImportProblem.PeriodsOnWholeDay, periodsText);
        }
        var lineId = Value("id_ligne");
        if (lineId.Length > MaxLineId)
        {
            Error(AbsenceImportProblem.BadLineId, lineId[..20] + "…");
        }
        if (errors.Count > count)
        {
            return null;
        }
        var reason = Value("motif").ToUpperInvariant();
        return new Row(record.Line, Value("matricule"), day!.Value, part!.Value, periods, reason.Length == 0 ? null : reason, lineId.Length == 0 ? null : lineId);
    }

    /// <summary>"3-4", "3,4", "2 5" or "1-3+6": the periods, each 1 to 12, in order; null when the text is none of these.</summary>
    public static IReadOnlyList<int>? Periods(string text)
    {
        var periods = new SortedSet<int>();
        foreach (var piece in text.Split([',', '+', ' ', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = piece.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 12))
            {
                return null;
            }
            var (from, to) = (int.Parse(ends[0], CultureInfo.InvariantCulture), int.Parse(ends[^1], CultureInfo.InvariantCulture));
            if (from > to)
            {
                return null;
            }
            for (var period = from; period <= to; period++)
            {
                periods.Add(period);
            }
        }
        return periods.Count == 0 ? null : [.. periods];
    }

    static string HeaderName(string header)
    {
        var name = ParentAccounts.Comparable(header).Replace(' ', '_').Replace('-', '_');
        return Aliases.GetValueOrDefault(name, name);
    }

    sealed record Existing(Guid Id, Guid PupilId, DateOnly Day, AbsencePart Part, int[]? Periods, string? Reason, string Source, string? Key);

    async Task<AbsenceImportPlan> PlanAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid schoolId, string text,
        CancellationToken cancellationToken)
    {
        var (rows, parseErrors) = Parse(text, SchoolTime.Today(clock));
        if (parseErrors.Count > 0)
        {
            return new([], parseErrors);
        }
        var errors = new List<AbsenceImportError>();
        var pupils = new Dictionary<string, (Guid Id, string Name, string ClassName)>();
        await using (var read = new NpgsqlCommand(
            "SELECT reference, id, first_name || ' ' || last_name, class_name FROM pupils WHERE school_id = @school AND reference = ANY(@references)",
            connection, transaction))
        {
            read.Parameters.AddWithValue("school", schoolId);
            read.Parameters.AddWithValue("references", rows.Select(r => r.Matricule).Distinct().ToArray());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pupils[reader.GetString(0)] = (reader.GetGuid(1), reader.GetString(2), reader.GetString(3));
            }
        }
        var reasons = new HashSet<string>();
        await using (var read = new NpgsqlCommand("SELECT code FROM absence_reasons WHERE school_id = @school", connection, transaction))
        {
            read.Parameters.AddWithValue("school", schoolId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reasons.Add(reader.GetString(0));
            }
        }

        var wanted = new List<(Row Row, Guid Pupil, string Name, string ClassName, string Key)>();
        var seenKeys = new Dictionary<string, Row>();
        var seenHalves = new Dictionary<(Guid, DateOnly, AbsencePart), Row>();
        foreach (var row in rows)
        {
            var lineErrors = errors.Count;
            if (!pupils.TryGetValue(row.Matricule, out var pupil))
            {
                errors.Add(new(row.Line, AbsenceImportProblem.UnknownPupil, row.Matricule));
            }
            if (row.Reason is { } reason && !reasons.Contains(reason))
            {
                errors.Add(new(row.Line, AbsenceImportProblem.UnknownReason, reason));
            }
            if (errors.Count > lineErrors)
            {
                continue;
            }
            var key = row.LineId is { } id ? $"line:{id}" : $"{pupil.Id:N}:{row.Day:yyyy-MM-dd}:{AbsenceParts.Code(row.Part)}";
            if (seenKeys.TryGetValue(key, out var earlier))
            {
                // The same line twice (a file concatenated with itself) is one line; the same id saying two things is a mistake.
                if (earlier with { Line = row.Line } != row)
                {
                    errors.Add(new(row.Line, AbsenceImportProblem.ConflictingLine, row.LineId ?? row.Matricule, earlier.Line));
                }
                continue;
            }
            if (seenHalves.TryGetValue((pupil.Id, row.Day, row.Part), out var sameHalf))
            {
                errors.Add(new(row.Line, AbsenceImportProblem.SameHalfDay, row.Matricule, sameHalf.Line));
                continue;
            }
            seenKeys[key] = row;
            seenHalves[(pupil.Id, row.Day, row.Part)] = row;
            wanted.Add((row, pupil.Id, pupil.Name, pupil.ClassName, key));
        }
        if (errors.Count > 0)
        {
            return new([], [.. errors.OrderBy(e => e.Line)]);
        }

        var existing = new List<Existing>();
        await using (var read = new NpgsqlCommand("""
            SELECT a.id, a.pupil_id, a.day, a.part, a.periods, a.reason_code, a.source, a.import_key
            FROM absences a
            WHERE a.school_id = @school
              AND (a.import_key = ANY(@keys)
                   OR (a.pupil_id, a.day, a.part) IN (SELECT * FROM unnest(@pupils, @days, @parts)))
            """, connection, transaction))
        {
            read.Parameters.AddWithValue("school", schoolId);
            read.Parameters.AddWithValue("keys", wanted.Select(w => w.Key).ToArray());
            read.Parameters.AddWithValue("pupils", wanted.Select(w => w.Pupil).ToArray());
            read.Parameters.AddWithValue("days", wanted.Select(w => w.Row.Day).ToArray());
            read.Parameters.AddWithValue("parts", wanted.Select(w => AbsenceParts.Code(w.Row.Part)).ToArray());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2), AbsenceParts.Parse(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : [.. reader.GetFieldValue<short[]>(4).Select(p => (int)p)],
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        var lines = new List<ImportedAbsence>();
        var targets = new Dictionary<Guid, int>();
        foreach (var (row, pupil, name, className, key) in wanted)
        {
            var byKey = existing.FirstOrDefault(e => e.Key == key);
            var atHalf = existing.FirstOrDefault(e => e.PupilId == pupil && e.Day == row.Day && e.Part == row.Part);
            if (byKey is not null && atHalf is not null && byKey.Id != atHalf.Id)
            {
                errors.Add(new(row.Line, AbsenceImportProblem.Occupied, row.LineId));
                continue;
            }
            var target = byKey ?? atHalf;
            if (target is not null && !targets.TryAdd(target.Id, row.Line))
            {
                errors.Add(new(row.Line, AbsenceImportProblem.SameHalfDay, row.Matricule, targets[target.Id]));
                continue;
            }
            var change = target switch
            {
                null => AbsenceImportChange.Add,
                { Source: "import" } when target.PupilId == pupil && target.Day == row.Day && target.Part == row.Part
                    && (target.Periods ?? []).SequenceEqual(row.Periods ?? []) && (row.Reason is null || row.Reason == target.Reason) => AbsenceImportChange.Unchanged,
                { Source: not "import" } when row.Reason is null || row.Reason == target.Reason => AbsenceImportChange.Unchanged,
                _ => AbsenceImportChange.Update,
            };
            lines.Add(new(row.Line, pupil, name, className, row.Day, row.Part, row.Periods, row.Reason, key, change, target?.Id));
        }
        return new(errors.Count > 0 ? [] : lines, [.. errors.OrderBy(e => e.Line)]);
    }
}