using ItSchool.Notifications;
using Npgsql;

namespace ItSchool.Mail;

/// <summary>A guardian a "Relancer" mail goes to, with the first name of the pupil it is about.</summary>
public sealed record RemindedGuardian(Guid Id, string FirstName, string DisplayName, string Email, string PupilFirstName);

/// <summary>A reminder's outcome: how many mails went, or the reminder of a moment ago that makes this click a repeat.</summary>
public sealed record ReminderOutcome(int Sent, DateTimeOffset? AlreadySentAt);

/// <summary>
/// One kind of "Relancer": the school's row it is about (<see cref="Table"/>), the table that records its reminders (keyed by
/// <see cref="ReminderKey"/>), and the query for the guardians still to remind, given <c>@id</c> and answering
/// <see cref="RemindedGuardian"/>'s columns in order. The names are the code's own, never a reader's.
/// </summary>
public sealed record ReminderKind(string Table, string RemindersTable, string ReminderKey, string GuardiansSql);

/// <summary>
/// "Relancer" for documents and textbook lists alike: one notification to each guardian still to remind, routed by their
/// preferences (<see cref="NotificationRouting"/>) with the reminder's record in one transaction. The reminded row is locked meanwhile, so two clicks at once run one after the
/// other, and the second, within the window of the first, sends nothing.
/// </summary>
public static class GuardianReminders
{
    /// <returns>Null when the school has no such row.</returns>
    public static async Task<ReminderOutcome?> SendAsync(NpgsqlDataSource db, ReminderKind kind, Guid schoolId, Guid id, string sentBy,
        DateTimeOffset now, TimeSpan window, Func<RemindedGuardian, Notification> compose, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new NpgsqlCommand($"SELECT id FROM {kind.Table} WHERE id = @id AND school_id = @school FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.AddWithValue("id", id);
            lockRow.Parameters.AddWithValue("school", schoolId);
            if (await lockRow.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }
        if (await LastAsync(connection, transaction, kind, id, cancellationToken) is { } last && now - last < window)
        {
            return new ReminderOutcome(0, last);
        }
        var guardians = new List<RemindedGuardian>();
        await using (var query = new NpgsqlCommand(kind.GuardiansSql, connection, transaction))
        {
            query.Parameters.AddWithValue("id", id);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                guardians.Add(new RemindedGuardian(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
            }
        }
        foreach (var guardian in guardians)
        {
            await NotificationRouting.SendAsync(connection, transaction, compose(guardian), now, cancellationToken);
        }
        await using (var record = new NpgsqlCommand(
            $"INSERT INTO {kind.RemindersTable} ({kind.ReminderKey}, sent_at, sent_by, recipients) VALUES (@id, @now, @by, @count)", connection, transaction))
        {
            record.Parameters.AddWithValue("id", id);
            record.Parameters.AddWithValue("now", now);
            record.Parameters.AddWithValue("by", sentBy);
            record.Parameters.AddWithValue("count", guardians.Count);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new ReminderOutcome(guardians.Count, null);
    }

    /// <summary>The last reminder's moment, if any, for the page that offers the button.</summary>
    public static async Task<DateTimeOffset?> LastAsync(NpgsqlDataSource db, ReminderKind kind, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await LastAsync(connection, null, kind, id, cancellationToken);
    }

    static async Task<DateTimeOffset?> LastAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, ReminderKind kind, Guid id,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT max(sent_at) FROM {kind.RemindersTable} WHERE {kind.ReminderKey} = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}