using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>A scanned certificate as the family sent it, its type proved by its first bytes.</summary>
public sealed record JustificationScan(string FileName, string ContentType, byte[] Content)
{
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>What a certificate may be: a PDF or a photo.</summary>
    public static readonly IReadOnlySet<string> ContentTypes = new HashSet<string>(["application/pdf", "image/jpeg", "image/png"]);
}

/// <summary>A guardian's justification of some of their child's absences; <see cref="RequestKey"/> makes a double click one.</summary>
public sealed record JustificationRequest(Guid SchoolId, Guid PupilId, IReadOnlyCollection<Guid> AbsenceIds, string ReasonCode, string Comment,
    JustificationScan? Scan, Guid SubmittedBy, Guid RequestKey);

public enum JustifyRefusal
{
    /// <summary>No absence chosen, or one that is not this pupil's in this school.</summary>
    UnknownAbsence,
    UnknownReason,
    CommentTooLong,
    /// <summary>An absence has its reason, or a justification waiting for the school.</summary>
    AlreadyJustified,
    /// <summary>An absence is older than the school's deadline allows.</summary>
    AfterDeadline,
}

/// <summary>Refused (nothing written) or the justification written, or found again for its request key.</summary>
public sealed record JustifyResult(JustifyRefusal? Refusal, Guid? JustificationId, DateOnly? Deadline = null);

public enum DecideRefusal
{
    UnknownJustification,
    AlreadyDecided,
    /// <summary>A refusal tells the family why.</summary>
    NoteNeeded,
    NoteTooLong,
}

/// <summary>A justification as the school reviews it.</summary>
public sealed record JustificationToReview(Guid Id, Guid PupilId, string PupilName, string ClassName, AbsenceReason Reason, string Comment,
    string? ScanName, string SubmittedBy, DateTimeOffset SubmittedAt, bool IsReport, JustificationStatus Status, string? DecisionNote,
    IReadOnlyList<(DateOnly Day, AbsencePart Part)> Absences);

/// <summary>
/// Families justify their child's absences online, the school accepts or refuses. One justification may cover several
/// absences of a pupil (a certificate for three days); each absence is justified by one at a time, and accepting gives the
/// absences its reason. Every rule is checked with the absences locked, so a double click or two guardians at once write
/// one justification, and a deadline passed refuses the whole request.
/// </summary>
public sealed class AbsenceJustifications(NpgsqlDataSource db)
{
    public const int MaxComment = 1000;

    public async Task<JustifyResult> JustifyAsync(JustificationRequest request, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var today = SchoolTime.Day(now);
        var ids = request.AbsenceIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return new(JustifyRefusal.UnknownAbsence, null);
        }
        if (request.Comment.Length > MaxComment)
        {
            return new(JustifyRefusal.CommentTooLong, null);
        }
        var settings = await AbsenceSettings.ReadAsync(db, request.SchoolId, cancellationToken);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var absences = new List<(DateOnly Day, bool Open)>();
        await using (var locked = new NpgsqlCommand("""
            SELECT a.day, a.reason_code IS NULL AND (j.status IS NULL OR j.status = 'refused')
            FROM absences a LEFT JOIN absence_justifications j ON j.id = a.justification_id
            WHERE a.id = ANY(@ids) AND a.school_id = @school AND a.pupil_id = @pupil
            FOR UPDATE OF a
            """, connection, transaction))
        {
            locked.Parameters.AddWithValue("ids", ids);
            locked.Parameters.AddWithValue("school", request.SchoolId);
            locked.Parameters.AddWithValue("pupil", request.PupilId);
            await using var reader = await locked.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                absences.Add((reader.GetFieldValue<DateOnly>(0), reader.GetBoolean(1)));
            }
        }
        if (absences.Count != ids.Length)
        {
            return new(JustifyRefusal.UnknownAbsence, null);
        }
        // Read with the absences locked: the first of a double click has committed, and its answer is this one's.
        if (await KnownRequestAsync(connection, transaction, request, cancellationToken) is { } known)
        {
            return known;
        }
        if (absences.Any(a => !a.Open))
        {
            return new(JustifyRefusal.AlreadyJustified, null);
        }
        var deadline = settings.JustifyBy(absences.Min(a => a.Day));
        if (today > deadline)
        {
            return new(JustifyRefusal.AfterDeadline, null, deadline);
        }
        if (!await ReasonExistsAsync(connection, transaction, request.SchoolId, request.ReasonCode, cancellationToken))
        {
            return new(JustifyRefusal.UnknownReason, null);
        }

        var id = Guid.CreateVersion7();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO absence_justifications (id, school_id, pupil_id, reason_code, comment, scan_name, scan_type, scan, submitted_by, submitted_at,
                                                request_key, status)
            VALUES (@id, @school, @pupil, @reason, @comment, @scan_name, @scan_type, @scan, @by, @now, @key, 'pending')
            """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE absences SET justification_id = @id WHERE id = ANY(@ids)"));
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("ids", ids);
            command.Parameters.AddWithValue("school", request.SchoolId);
            command.Parameters.AddWithValue("pupil", request.PupilId);
            command.Parameters.AddWithValue("reason", request.ReasonCode);
            command.Parameters.AddWithValue("comment", request.Comment);
            command.Parameters.AddWithValue("scan_name", (object?)request.Scan?.FileName ?? DBNull.Value);
            command.Parameters.AddWithValue("scan_type", (object?)request.Scan?.ContentType ?? DBNull.Value);
            command.Parameters.AddWithValue("scan", (object?)request.Scan?.Content ?? DBNull.Value);
            command.Parameters.AddWithValue("by", request.SubmittedBy);
            command.Parameters.AddWithValue("key", request.RequestKey);
            command.Parameters.AddWithValue("now", now);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(null, id);
    }

    static async Task<JustifyResult?> KnownRequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, JustificationRequest request,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id, pupil_id FROM absence_justifications WHERE request_key = @key", connection, transaction);
        command.Parameters.AddWithValue("key", request.RequestKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return !await reader.ReadAsync(cancellationToken) ? null
            : reader.GetGuid(1) == request.PupilId ? new(null, reader.GetGuid(0))
            : new(JustifyRefusal.UnknownAbsence, null);
    }

    internal static async Task<bool> ReasonExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid schoolId, string code,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM absence_reasons WHERE school_id = @school AND code = @code)",
            connection, transaction);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Accepts (the absences take the justification's reason) or refuses (with a note the family reads) a pending justification.</summary>
    public async Task<DecideRefusal?> DecideAsync(Guid schoolId, Guid justificationId, bool accept, string? note, string decidedBy, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (!accept && note is null)
        {
            return DecideRefusal.NoteNeeded;
        }
        if (note?.Length > MaxComment)
        {
            return DecideRefusal.NoteTooLong;
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var decide = new NpgsqlCommand("""
            UPDATE absence_justifications SET status = @status, decided_by = @by, decided_at = @now, decision_note = @note
            WHERE id = @id AND school_id = @school AND status = 'pending'
            RETURNING reason_code
            """, connection, transaction))
        {
            decide.Parameters.AddWithValue("status", accept ? "accepted" : "refused");
            decide.Parameters.AddWithValue("by", decidedBy);
            decide.Parameters.AddWithValue("now", now);
            decide.Parameters.AddWithValue("note", (object?)note ?? DBNull.Value);
            decide.Parameters.AddWithValue("id", justificationId);
            decide.Parameters.AddWithValue("school", schoolId);
            if (await decide.ExecuteScalarAsync(cancellationToken) is not string reason)
            {
                return await ExistsAsync(connection, transaction, schoolId, justificationId, cancellationToken)
                    ? DecideRefusal.AlreadyDecided : DecideRefusal.UnknownJustification;
            }
            if (accept)
            {
                await using var absences = new NpgsqlCommand(
                    "UPDATE absences SET reason_code = @reason WHERE justification_id = @id AND reason_code IS NULL", connection, transaction);
                absences.Parameters.AddWithValue("reason", reason);
                absences.Parameters.AddWithValue("id", justificationId);
                await absences.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid schoolId, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM absence_justifications WHERE id = @id AND school_id = @school)",
            connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", schoolId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The justifications waiting for the school, oldest first, then those decided in the last <paramref name="decidedWithinDays"/> days, newest first.</summary>
    public async Task<IReadOnlyList<JustificationToReview>> ToReviewAsync(Guid schoolId, DateTimeOffset now, int decidedWithinDays = 14,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT j.id, p.id, p.first_name || ' ' || p.last_name, p.class_name, r.code, r.label, r.justifying, r.position, j.comment, j.scan_name,
                   u.first_name || ' ' || u.last_name, j.submitted_at, j.status, j.decision_note,
                   EXISTS (SELECT 1 FROM absences a WHERE a.justification_id = j.id AND a.source = 'report'),
                   ARRAY(SELECT a.day FROM absences a WHERE a.justification_id = j.id ORDER BY a.day, a.part),
                   ARRAY(SELECT a.part FROM absences a WHERE a.justification_id = j.id ORDER BY a.day, a.part)
            FROM absence_justifications j
            JOIN pupils p ON p.id = j.pupil_id
            JOIN users u ON u.id = j.submitted_by
            JOIN absence_reasons r ON r.school_id = j.school_id AND r.code = j.reason_code
            WHERE j.school_id = @school AND (j.status = 'pending' OR j.decided_at >= @since)
            ORDER BY j.status <> 'pending', CASE WHEN j.status = 'pending' THEN j.submitted_at END, j.decided_at DESC
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("since", now.AddDays(-decidedWithinDays));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<JustificationToReview>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var days = reader.GetFieldValue<DateOnly[]>(15);
            var parts = reader.GetFieldValue<string[]>(16);
            list.Add(new JustificationToReview(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                new AbsenceReason(reader.GetString(4), reader.GetString(5), reader.GetBoolean(6), reader.GetInt32(7)), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetString(10), reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetBoolean(14), AbsenceParts.Status(reader.GetString(12)), reader.IsDBNull(13) ? null : reader.GetString(13),
                [.. days.Zip(parts, (day, part) => (day, AbsenceParts.Parse(part)))]));
        }
        return list;
    }

    /// <summary>The scan of a justification of this school, and of this pupil when one is named (a family reads only its own); null otherwise.</summary>
    public async Task<JustificationScan?> ScanAsync(Guid schoolId, Guid justificationId, Guid? pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT scan_name, scan_type, scan FROM absence_justifications
            WHERE id = @id AND school_id = @school AND (@pupil::uuid IS NULL OR pupil_id = @pupil) AND scan IS NOT NULL
            """);
        command.Parameters.AddWithValue("id", justificationId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", (object?)pupilId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new JustificationScan(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2))
            : null;
    }
}