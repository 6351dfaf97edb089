using ItSchool.Mail;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>An invoice due for a reminder step (days past its due date) and what the mail says about it.</summary>
public sealed record DueReminder(Guid InvoiceId, Guid SchoolId, string SchoolName, string PupilName, string Number, string Label,
    DateOnly DueOn, long RemainingCents, StructuredCommunication Communication, int Step);

public sealed record ReminderRecipient(string Address, string Name);

/// <summary>
/// Overdue reminders as a durable job: any node may run it at any time, as often as it likes. A step is
/// claimed by inserting its row, and the mails are queued in the outbox in the same transaction, so a step is
/// mailed exactly once whatever crashes or runs twice. Only the latest step due is sent: an invoice found
/// 25 days late gets one reminder, not the 7-day and the 21-day ones at once.
/// </summary>
public static class OverdueReminders
{
    public static async Task<int> SendDueAsync(NpgsqlDataSource db, DateOnly today, DateTimeOffset now,
        Func<DueReminder, ReminderRecipient, OutgoingMail> compose, CancellationToken cancellationToken = default)
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
            sent += await SendAsync(db, reminder, now, compose, cancellationToken);
        }
        return sent;
    }

    static async Task<int> SendAsync(NpgsqlDataSource db, DueReminder reminder, DateTimeOffset now,
        Func<DueReminder, ReminderRecipient, OutgoingMail> compose, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var recipients = new List<ReminderRecipient>();
        await using (var guardians = new NpgsqlCommand("""
            SELECT DISTINCT u.email, u.first_name || ' ' || u.last_name
            FROM invoices i JOIN guardianships g ON g.pupil_id = i.pupil_id AND g.school_id = i.school_id JOIN users u ON u.id = g.user_id
            WHERE i.id = @invoice AND u.email IS NOT NULL AND u.email <> ''
            """, connection, transaction))
        {
            guardians.Parameters.AddWithValue("invoice", reminder.InvoiceId);
            await using var reader = await guardians.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recipients.Add(new ReminderRecipient(reader.GetString(0), reader.GetString(1)));
            }
        }
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO invoice_reminders (invoice_id, step, sent_at, recipients) VALUES (@invoice, @step, @now, @recipients)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("invoice", reminder.InvoiceId);
            claim.Parameters.AddWithValue("step", reminder.Step);
            claim.Parameters.AddWithValue("now", now);
            claim.Parameters.AddWithValue("recipients", recipients.Count);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // Another run took this step meanwhile.
                return 0;
            }
        }
        foreach (var recipient in recipients)
        {
            var mail = compose(reminder, recipient);
            await using var queue = new NpgsqlCommand("""
                INSERT INTO mail_outbox (id, school_id, recipient_address, recipient_name, subject, text_body, html_body, created_at, next_attempt_at)
                VALUES (@id, @school, @address, @name, @subject, @text, @html, @now, @now)
                """, connection, transaction);
            queue.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
            queue.Parameters.AddWithValue("school", mail.SchoolId);
            queue.Parameters.AddWithValue("address", mail.RecipientAddress);
            queue.Parameters.AddWithValue("name", mail.RecipientName);
            queue.Parameters.AddWithValue("subject", mail.Subject);
            queue.Parameters.AddWithValue("text", mail.TextBody);
            queue.Parameters.AddWithValue("html", mail.HtmlBody);
            queue.Parameters.AddWithValue("now", now);
            await queue.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recipients.Count;
    }

    public static async Task<IReadOnlyList<int>> LoadDaysAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT reminder_days FROM invoice_settings WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteScalarAsync(cancellationToken) as int[] ?? [7, 21];
    }

    /// <summary>Sets the reminder days (creating the school's invoice settings with their defaults if needed).</summary>
    public static async Task SaveDaysAsync(NpgsqlDataSource db, Guid schoolId, IReadOnlyCollection<int> days, CancellationToken cancellationToken = default)
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