using ItSchool.Notifications;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>
/// An invoice due for a reminder step (days past its due date, or <see cref="OverdueReminders.ManualStep"/> when a
/// manager sends it) and what the mail says about it.
/// </summary>
public sealed record DueReminder(Guid InvoiceId, Guid SchoolId, string SchoolName, string PupilName, string Number, string Label,
    DateOnly DueOn, long RemainingCents, StructuredCommunication Communication, int Step);

public sealed record ReminderRecipient(Guid UserId, string Address, string Name);

/// <summary>
/// Overdue reminders as a durable job: any node may run it at any time, as often as it likes. A step is
/// claimed by inserting its row, and each guardian's notification is routed (<see cref="NotificationRouting"/>) in the same
/// transaction, so a step is told exactly once whatever crashes or runs twice. Only the latest step due is sent: an invoice found
/// 25 days late gets one reminder, not the 7-day and the 21-day ones at once.
/// </summary>
public sealed class OverdueReminders(NpgsqlDataSource db)
{
    public async Task<int> SendDueAsync(DateOnly today, DateTimeOffset now,
        Func<DueReminder, ReminderRecipient, Notification> compose, CancellationToken cancellationToken = default)
    {
        var due = new List<DueReminder>();
        await using (var command = db.CreateCommand("""
            SELECT * FROM (
                SELECT i.id, i.school_id, s.name, p.first_name || ' ' || p.last_name, i.number, i.label, i.due_on,
                       i.total_cents - i.credited_cents - i.paid_cents AS remaining, i.communication,
                       (SELECT max(d) FROM unnest(coalesce(st.reminder_days, '{7,21}')) AS d WHERE d > 0 AND @today - i.due_on >= d) AS step
                FROM invoices i
                JOIN pupils p ON p.id = i.pupil_id
                JOIN schools s ON s.id = i.school_id
                LEFT JOIN invoice_settings st ON st.school_id = i.school_id
                WHERE i.due_on < @today AND i.paid_cents + i.credited_cents < i.total_cents) AS late
            WHERE step IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice_reminders r WHERE r.invoice_id = late.id AND r.step >= late.step)
            """))
        {
            command.Parameters.AddWithValue("today", today);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueReminder(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetFieldValue<DateOnly>(6), reader.GetInt64(7), StructuredCommunication.From(reader.GetInt64(8)),
                    reader.GetInt32(9)));
            }
        }

        var sent = 0;
        foreach (var reminder in due)
        {
            sent += await SendAsync(reminder, now, compose, (connection, transaction, recipients) =>
            {
                var claim = new NpgsqlCommand("""
                    INSERT INTO invoice_reminders (invoice_id, step, sent_at, recipients) VALUES (@invoice, @step, @now, @recipients)
                    ON CONFLICT DO NOTHING
                    """, connection, transaction);
                claim.Parameters.AddWithValue("invoice", reminder.InvoiceId);
                claim.Parameters.AddWithValue("step", reminder.Step);
                claim.Parameters.AddWithValue("now", now);
                claim.Parameters.AddWithValue("recipients", recipients);
                return claim;
            }, cancellationToken) ?? 0;
        }
        return sent;
    }

    /// <summary>
    /// A manager's "Envoyer un rappel" for these invoices of the school: the same mail as the overdue steps, now,
    /// for each one that still has something to pay (the others are left out). The click's key is claimed per
    /// invoice with its mails, so the same click sent again mails nobody twice. Answers the invoices reminded by
    /// this click, however often it arrived; null, and nobody is mailed, if one id is not an invoice of the school.
    /// </summary>
    public async Task<IReadOnlyList<Guid>?> SendNowAsync(Guid schoolId, IReadOnlyCollection<Guid> invoiceIds,
        string requestKey, string sentBy, DateTimeOffset now, Func<DueReminder, ReminderRecipient, Notification> compose,
        CancellationToken cancellationToken = default)
    {
        var owing = new List<DueReminder>();
        var found = 0;
        await using (var command = db.CreateCommand("""
            SELECT i.id, i.school_id, s.name, p.first_name || ' ' || p.last_name, i.number, i.label, i.due_on,
                   i.total_cents - i.credited_cents - i.paid_cents, i.communication
            FROM invoices i JOIN pupils p ON p.id = i.pupil_id JOIN schools s ON s.id = i.school_id
            WHERE i.school_id = @school AND i.id = ANY(@ids)
            ORDER BY i.number
            """))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("ids", invoiceIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found++;
                if (reader.GetInt64(7) > 0)
                {
                    owing.Add(new DueReminder(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                        reader.GetString(5), reader.GetFieldValue<DateOnly>(6), reader.GetInt64(7), StructuredCommunication.From(reader.GetInt64(8)),
                        ManualStep));
                }
            }
        }
        if (found != invoiceIds.Distinct().Count())
        {
            return null;
        }

        var reminded = new List<Guid>();
        foreach (var reminder in owing)
        {
            // Sent now, or by this same click before: either way this click reminded it.
            await SendAsync(reminder, now, compose, (connection, transaction, recipients) =>
            {
                var claim = new NpgsqlCommand("""
                    INSERT INTO invoice_manual_reminders (invoice_id, request_key, sent_at, sent_by, recipients)
                    VALUES (@invoice, @key, @now, @by, @recipients)
                    ON CONFLICT DO NOTHING
                    """, connection, transaction);
                claim.Parameters.AddWithValue("invoice", reminder.InvoiceId);
                claim.Parameters.AddWithValue("key", requestKey);
                claim.Parameters.AddWithValue("now", now);
                claim.Parameters.AddWithValue("by", sentBy);
                claim.Parameters.AddWithValue("recipients", recipients);
                return claim;
            }, cancellationToken);
            reminded.Add(reminder.InvoiceId);
        }
        return reminded;
    }

    /// <summary>The step a manager's reminder carries: not one of the school's days past the due date.</summary>
    public const int ManualStep = 0;

    /// <summary>When the invoice was last reminded, by the overdue steps or by a manager, and to how many addresses.</summary>
    public async Task<(DateTimeOffset At, int Recipients)?> LastAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT sent_at, recipients FROM (
                SELECT sent_at, recipients FROM invoice_reminders WHERE invoice_id = @invoice
                UNION ALL SELECT sent_at, recipients FROM invoice_manual_reminders WHERE invoice_id = @invoice) AS sent
            ORDER BY sent_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("invoice", invoiceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Queues the reminder's mails in the transaction that claims it (<paramref name="claim"/>, given the number of
    /// recipients, inserts the row that says it was sent). Null when the claim was taken before: nothing is queued.
    /// </summary>
    async Task<int?> SendAsync(DueReminder reminder, DateTimeOffset now,
        Func<DueReminder, ReminderRecipient, Notification> compose, Func<NpgsqlConnection, NpgsqlTransaction, int, NpgsqlCommand> claim,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var recipients = new List<ReminderRecipient>();
        await using (var guardians = new NpgsqlCommand("""
            SELECT DISTINCT u.id, u.email, u.first_name || ' ' || u.last_name
            FROM invoices i JOIN guardianships g ON g.pupil_id = i.pupil_id AND g.school_id = i.school_id JOIN users u ON u.id = g.user_id
            WHERE i.id = @invoice AND u.email IS NOT NULL AND u.email <> ''
            """, connection, transaction))
        {
            guardians.Parameters.AddWithValue("invoice", reminder.InvoiceId);
            await using var reader = await guardians.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recipients.Add(new ReminderRecipient(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        await using (var claimed = claim(connection, transaction, recipients.Count))
        {
            if (await claimed.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // Another run took this step (or this click) meanwhile.
                return null;
            }
        }
        foreach (var recipient in recipients)
        {
            await NotificationRouting.SendAsync(connection, transaction, compose(reminder, recipient), now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recipients.Count;
    }

    public async Task<IReadOnlyList<int>> LoadDaysAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT reminder_days FROM invoice_settings WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteScalarAsync(cancellationToken) as int[] ?? [7, 21];
    }

    /// <summary>Sets the reminder days (creating the school's invoice settings with their defaults if needed).</summary>
    public async Task SaveDaysAsync(Guid schoolId, IReadOnlyCollection<int> days, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO invoice_settings (school_id, reminder_days) VALUES (@school, @days)
            ON CONFLICT (school_id) DO UPDATE SET reminder_days = excluded.reminder_days
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("days", days.Distinct().Order().ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}