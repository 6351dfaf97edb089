using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>A guardian's advance report: the child will be absent from <see cref="From"/> to <see cref="To"/> (school days only).</summary>
public sealed record AdvanceReport(Guid SchoolId, Guid PupilId, DateOnly From, DateOnly To, AbsencePart Part, string ReasonCode, string Comment,
    Guid SubmittedBy, string SubmittedByName, Guid RequestKey);

public enum ReportRefusal
{
    UnknownPupil,
    UnknownReason,
    CommentTooLong,
    /// <summary>A report is for today or later; a past absence is justified, not reported.</summary>
    InThePast,
    Backwards,
    TooLong,
    /// <summary>A morning or an afternoon is one day's.</summary>
    HalfDayOverSeveralDays,
    NoSchoolDay,
    /// <summary>Every day of the report already has the pupil absent.</summary>
    AlreadyAbsent,
}

/// <summary>Refused (nothing written), or the report's justification and the school days it made absent.</summary>
public sealed record ReportResult(ReportRefusal? Refusal, Guid? JustificationId, IReadOnlyList<DateOnly> Days)
{
    public static ReportResult Refused(ReportRefusal refusal) => new(refusal, null, []);
}

/// <summary>
/// Parents report an absence ahead (sick tomorrow, a family trip): each school day of the report becomes an absence of
/// source 'report', all covered by one justification that waits for the school like any other. The pupil's row is locked,
/// so two guardians reporting at once, or a double click, write the report once. The meals those days hold are released
/// afterwards by <see cref="AbsenceMealRelease"/>.
/// </summary>
public sealed class AdvanceReports(NpgsqlDataSource db)
{
    public const int MaxDays = 31;

    public async Task<ReportResult> ReportAsync(AdvanceReport report, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (Check(report, SchoolTime.Day(now)) is { } refusal)
        {
            return ReportResult.Refused(refusal);
        }
        var days = SchoolDays(report.From, report.To);
        if (days.Count == 0)
        {
            return ReportResult.Refused(ReportRefusal.NoSchoolDay);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var pupil = new NpgsqlCommand("SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school FOR UPDATE", connection, transaction))
        {
            pupil.Parameters.AddWithValue("pupil", report.PupilId);
            pupil.Parameters.AddWithValue("school", report.SchoolId);
            if (await pupil.ExecuteScalarAsync(cancellationToken) is null)
            {
                return ReportResult.Refused(ReportRefusal.UnknownPupil);
            }
        }
        if (await KnownAsync(connection, transaction, report, cancellationToken) is { } known)
        {
            return known;
        }
        if (!await AbsenceJustifications.ReasonExistsAsync(connection, transaction, report.SchoolId, report.ReasonCode, cancellationToken))
        {
            return ReportResult.Refused(ReportRefusal.UnknownReason);
        }

        var id = Guid.CreateVersion7(now);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO absence_justifications (id, school_id, pupil_id, reason_code, comment, submitted_by, submitted_at, request_key, status)
            VALUES (@id, @school, @pupil, @reason, @comment, @by, @now, @key, 'pending')
            """));
        // A day the pupil is already absent for the whole of (or, for a half-day, for that half) keeps the absence it has.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO absences (id, school_id, pupil_id, day, part, source, recorded_by, recorded_at, justification_id)
            SELECT t.id, @school, @pupil, t.day, @part, 'report', @by_name, @now, @id
            FROM unnest(@ids, @days) AS t(id, day)
            WHERE NOT EXISTS (SELECT 1 FROM absences a WHERE a.pupil_id = @pupil AND a.day = t.day AND a.part IN ('day', @part))
            ON CONFLICT (pupil_id, day, part) DO NOTHING
            RETURNING day
            """));
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("school", report.SchoolId);
            command.Parameters.AddWithValue("pupil", report.PupilId);
            command.Parameters.AddWithValue("reason", report.ReasonCode);
            command.Parameters.AddWithValue("comment", report.Comment);
            command.Parameters.AddWithValue("by", report.SubmittedBy);
            command.Parameters.AddWithValue("by_name", report.SubmittedByName);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("key", report.RequestKey);
            command.Parameters.AddWithValue("part", AbsenceParts.Code(report.Part));
            command.Parameters.AddWithValue("ids", days.Select(_ => Guid.CreateVersion7(now)).ToArray());
            command.Parameters.AddWithValue("days", days.ToArray());
        }
        var written = new List<DateOnly>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                written.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }
        if (written.Count == 0)
        {
            return ReportResult.Refused(ReportRefusal.AlreadyAbsent);
        }
        await transaction.CommitAsync(cancellationToken);
        return new ReportResult(null, id, [.. written.Order()]);
    }

    static ReportRefusal? Check(AdvanceReport report, DateOnly today) =>
        report.Comment.Length > AbsenceJustifications.MaxComment ? ReportRefusal.CommentTooLong
        : report.From < today ? ReportRefusal.InThePast
        : report.To < report.From ? ReportRefusal.Backwards
        : report.To.DayNumber - report.From.DayNumber >= MaxDays ? ReportRefusal.TooLong
        : report.Part != AbsencePart.Day && report.To != report.From ? ReportRefusal.HalfDayOverSeveralDays
        : null;

    static List<DateOnly> SchoolDays(DateOnly from, DateOnly to) =>
        [.. Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))];

    static async Task<ReportResult?> KnownAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AdvanceReport report,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT j.id, j.pupil_id, ARRAY(SELECT a.day FROM absences a WHERE a.justification_id = j.id ORDER BY a.day)
            FROM absence_justifications j WHERE j.request_key = @key
            """, connection, transaction);
        command.Parameters.AddWithValue("key", report.RequestKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return !await reader.ReadAsync(cancellationToken) ? null
            : reader.GetGuid(1) == report.PupilId ? new ReportResult(null, reader.GetGuid(0), reader.GetFieldValue<DateOnly[]>(2))
            : ReportResult.Refused(ReportRefusal.UnknownPupil);
    }
}