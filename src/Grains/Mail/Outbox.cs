using Npgsql;

namespace ItSchool.Mail;

/// <summary>
/// The durable outbox: a mail counts as sent by the application once it is here; delivery happens later
/// (<see cref="MailDelivery"/>) and is retried until the SMTP server takes it.
/// </summary>
public sealed class Outbox(NpgsqlDataSource db, TimeProvider clock)
{
    const string Columns = """
        id, school_id, recipient_address, recipient_name, subject, text_body, html_body, secret,
        created_at, attempts, sent_at, last_error, unsubscribe_url
        """;

    public event Action? MailQueued;

    public async Task<Guid> EnqueueAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await EnqueueAsync(connection, transaction, mail, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        MailQueued?.Invoke();
        return id;
    }

    /// <summary>
    /// Queues a mail in the caller's transaction, so that it exists exactly when what it tells of was written (a
    /// reminder and its sent-marker); the delivery loop finds it at its next pass, or from <paramref name="notBefore"/>
    /// (the end of the recipient's quiet hours).
    /// </summary>
    public static async Task<Guid> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutgoingMail mail, DateTimeOffset now,
        CancellationToken cancellationToken, DateTimeOffset? notBefore = null)
    {
        var id = Guid.CreateVersion7(now);
        await using var command = new NpgsqlCommand("""
            INSERT INTO mail_outbox (id, school_id, recipient_address, recipient_name, subject, text_body, html_body,
                                     secret, created_at, next_attempt_at, unsubscribe_url)
            VALUES (@id, @school, @address, @name, @subject, @text, @html, @secret, @now, @next, @unsubscribe)
            """, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", mail.SchoolId);
        command.Parameters.AddWithValue("address", mail.RecipientAddress);
        command.Parameters.AddWithValue("name", mail.RecipientName);
        command.Parameters.AddWithValue("subject", mail.Subject);
        command.Parameters.AddWithValue("text", mail.TextBody);
        command.Parameters.AddWithValue("html", mail.HtmlBody);
        command.Parameters.AddWithValue("secret", (object?)mail.Secret ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("next", notBefore is { } held && held > now ? held : now);
        command.Parameters.AddWithValue("unsubscribe", (object?)mail.UnsubscribeUrl ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (attachment, position) in mail.Attachments.Select((a, i) => (a, i)))
        {
            await using var attach = new NpgsqlCommand("""
                INSERT INTO mail_attachments (mail_id, position, file_name, content_type, content) VALUES (@id, @position, @name, @type, @content)
                """, connection, transaction);
            attach.Parameters.AddWithValue("id", id);
            attach.Parameters.AddWithValue("position", position);
            attach.Parameters.AddWithValue("name", attachment.FileName);
            attach.Parameters.AddWithValue("type", attachment.ContentType);
            attach.Parameters.AddWithValue("content", attachment.Content);
            await attach.ExecuteNonQueryAsync(cancellationToken);
        }
        return id;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(Guid schoolId, int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"SELECT {Columns} FROM mail_outbox WHERE school_id = @school ORDER BY created_at DESC, id DESC LIMIT @limit");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<OutboxEntry?> FindAsync(Guid schoolId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM mail_outbox WHERE school_id = @school AND id = @id");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// Claims up to <paramref name="batch"/> due mails for this sender: their next attempt moves a lease
    /// ahead, so another node's sender skips them, and a sender that dies mid-way leaves them to a retry.
    /// </summary>
    internal async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int batch, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = db.CreateCommand($"""
            UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = @lease_end
            WHERE id IN (SELECT id FROM mail_outbox
                         WHERE sent_at IS NULL AND next_attempt_at <= @now
                         ORDER BY next_attempt_at LIMIT @batch
                         FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease_end", now + lease);
        command.Parameters.AddWithValue("batch", batch);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<MailAttachment>> AttachmentsAsync(Guid mailId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT file_name, content_type, content FROM mail_attachments WHERE mail_id = @id ORDER BY position");
        command.Parameters.AddWithValue("id", mailId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var attachments = new List<MailAttachment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            attachments.Add(new MailAttachment(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return attachments;
    }

    internal async Task MarkSentAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "UPDATE mail_outbox SET sent_at = @now, secret = NULL, last_error = NULL WHERE id = @id");
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal async Task MarkFailedAsync(Guid id, int attempts, string error, CancellationToken cancellationToken)
    {
        // 30 s, 1 min, 2 min … up to an hour between attempts: an outage of a day still ends in delivery.
        var delay = TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts - 1, 10))));
        await using var command = db.CreateCommand(
            "UPDATE mail_outbox SET next_attempt_at = @next, last_error = @error WHERE id = @id");
        command.Parameters.AddWithValue("next", clock.GetUtcNow() + delay);
        command.Parameters.AddWithValue("error", error.Length > 500 ? error[..500] : error);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new OutboxEntry(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        return entries;
    }
}