using System.Text.RegularExpressions;
using Npgsql;

namespace ItSchool.Absences;

/// <summary>A reason of the school's list with the number of absences and justifications that name it.</summary>
public sealed record ReasonInUse(AbsenceReason Reason, int Uses);

public enum ReasonProblem
{
    /// <summary>The code is not 1 to 20 capital letters, digits, '_' or '-'.</summary>
    BadCode,

    /// <summary>The label is blank.</summary>
    EmptyLabel,

    /// <summary>The label is longer than <see cref="AbsenceReasons.MaxLabel"/>.</summary>
    LabelTooLong,

    /// <summary>The school already has a reason with that code.</summary>
    Exists,

    /// <summary>The school has no reason with that code.</summary>
    Unknown,

    /// <summary>An absence or a justification names the reason: deleting it would rewrite their history.</summary>
    InUse,
}

/// <summary>
/// The school's list of absence reasons as its manager keeps it: added at the end, renamed, made justifying or not,
/// moved up or down, deleted while nothing names it. A reason's code never changes: absences and imports refer to it.
/// </summary>
public sealed partial class AbsenceReasons(NpgsqlDataSource db)
{
    public const int MaxLabel = 80;

    [GeneratedRegex("^[A-Z0-9_-]{1,20}$")]
    public static partial Regex CodeShape();

    /// <summary>The reasons in their order, each with how often it is used.</summary>
    public async Task<IReadOnlyList<ReasonInUse>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT r.code, r.label, r.justifying, r.position,
                   (SELECT count(*) FROM absences a WHERE a.school_id = r.school_id AND a.reason_code = r.code)::int
                 + (SELECT count(*) FROM absence_justifications j WHERE j.school_id = r.school_id AND j.reason_code = r.code)::int
            FROM absence_reasons r WHERE r.school_id = @school ORDER BY r.position, r.code
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reasons = new List<ReasonInUse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reasons.Add(new(new AbsenceReason(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt32(3)), reader.GetInt32(4)));
        }
        return reasons;
    }

    /// <summary>Adds the reason at the end of the list; a code the school has already is refused, not overwritten.</summary>
    public async Task<ReasonProblem?> AddAsync(Guid schoolId, string code, string label, bool justifying, CancellationToken cancellationToken = default)
    {
        if (Check(code, label) is { } problem)
        {
            return problem;
        }
        await using var command = db.CreateCommand("""
            INSERT INTO absence_reasons (school_id, code, label, justifying, position)
            VALUES (@school, @code, @label, @justifying,
                    (SELECT COALESCE(max(position), 0) + 1 FROM absence_reasons WHERE school_id = @school))
            ON CONFLICT (school_id, code) DO NOTHING
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("label", label.Trim());
        command.Parameters.AddWithValue("justifying", justifying);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? null : ReasonProblem.Exists;
    }

    /// <summary>Renames the reason and says whether it justifies; its place and its code stay.</summary>
    public async Task<ReasonProblem?> ChangeAsync(Guid schoolId, string code, string label, bool justifying, CancellationToken cancellationToken = default)
    {
        if (Check(code, label) is { } problem)
        {
            return problem == ReasonProblem.BadCode ? ReasonProblem.Unknown : problem;
        }
        await using var command = db.CreateCommand("UPDATE absence_reasons SET label = @label, justifying = @justifying WHERE school_id = @school AND code = @code");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("label", label.Trim());
        command.Parameters.AddWithValue("justifying", justifying);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? null : ReasonProblem.Unknown;
    }

    /// <summary>Swaps the reason with its neighbour above (<paramref name="step"/> -1) or below (1); at an end nothing moves.</summary>
    public async Task<ReasonProblem?> MoveAsync(Guid schoolId, string code, int step, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var order = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT code FROM absence_reasons WHERE school_id = @school ORDER BY position, code FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("school", schoolId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                order.Add(reader.GetString(0));
            }
        }
        var index = order.IndexOf(code);
        if (index < 0)
        {
            return ReasonProblem.Unknown;
        }
        var other = index + Math.Sign(step);
        if (other < 0 || other >= order.Count)
        {
            return null;
        }
        (order[index], order[other]) = (order[other], order[index]);
        // Renumbered from 1, so that positions equal since an old seed or a concurrent add are put straight too.
        await using var write = new NpgsqlCommand("""
            UPDATE absence_reasons r SET position = t.position
            FROM unnest(@codes) WITH ORDINALITY AS t(code, position)
            WHERE r.school_id = @school AND r.code = t.code
            """, connection, transaction);
        write.Parameters.AddWithValue("school", schoolId);
        write.Parameters.AddWithValue("codes", order.ToArray());
        await write.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Deletes a reason nothing names; one in use stays, and the answer says why.</summary>
    public async Task<ReasonProblem?> DeleteAsync(Guid schoolId, string code, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH target AS (SELECT code FROM absence_reasons WHERE school_id = @school AND code = @code),
                 used AS (SELECT EXISTS (SELECT 1 FROM absences WHERE school_id = @school AND reason_code = @code)
                              OR EXISTS (SELECT 1 FROM absence_justifications WHERE school_id = @school AND reason_code = @code) AS used),
                 deleted AS (DELETE FROM absence_reasons WHERE school_id = @school AND code = @code AND NOT (SELECT used FROM used) RETURNING code)
            SELECT EXISTS (SELECT 1 FROM target), (SELECT used FROM used), EXISTS (SELECT 1 FROM deleted)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return !reader.GetBoolean(0) ? ReasonProblem.Unknown : reader.GetBoolean(2) ? null : ReasonProblem.InUse;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // An absence took the reason between the check and the delete.
            return ReasonProblem.InUse;
        }
    }

    static ReasonProblem? Check(string code, string label) =>
        !CodeShape().IsMatch(code) ? ReasonProblem.BadCode
        : label.Trim().Length == 0 ? ReasonProblem.EmptyLabel
        : label.Trim().Length > MaxLabel ? ReasonProblem.LabelTooLong
        : null;
}