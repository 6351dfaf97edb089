using ItSchool.Mail;
using Npgsql;

namespace ItSchool.Notifications;

/// <summary>
/// A non-essential notification to one user, composed in their language: the mail as it goes at once, the page it is
/// about (<see cref="Url"/>), a line for a push or the digest, and the school's address for the unsubscribe link. Where
/// the mail's bodies say <see cref="UnsubscribePlaceholder"/>, the user's signed link for this kind goes.
/// </summary>
public sealed record Notification(NotificationKind Kind, Guid UserId, OutgoingMail Mail, string Home, string Url, string Summary, string? Tag = null)
{
    public const string UnsubscribePlaceholder = "{unsubscribe}";
}

/// <summary>What became of a notification: how its mail went (or not), when it leaves, and whether a push was queued.</summary>
public sealed record NotificationOutcome(EmailChoice Email, DateTimeOffset SendAt, bool Pushed);

/// <summary>
/// The one way every sender tells a user something non-essential, in the sender's own transaction (so it is told exactly
/// when what it tells is written, once): by the user's choice for the kind, the mail is queued, or kept for the daily
/// digest, or dropped; a push is queued when the user wants one. Nothing leaves during the user's quiet hours: the mail's
/// first attempt and the push wait for their end.
/// </summary>
public static class NotificationRouting
{
    public static async Task<NotificationOutcome> SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Notification notification,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = await NotificationPreferences.ReadAsync(connection, transaction, notification.UserId, cancellationToken);
        var choice = settings.For(notification.Kind);
        var sendAt = settings.Quiet?.EndAround(now) ?? now;
        var mail = notification.Mail;
        switch (choice.Email)
        {
            case EmailChoice.Immediate:
                var unsubscribe = UnsubscribeLinks.Url(notification.Home, notification.UserId, notification.Kind.Code(),
                    await UnsubscribeLinks.KeyAsync(connection, transaction, cancellationToken));
                await Outbox.EnqueueAsync(connection, transaction, mail with
                {
                    TextBody = mail.TextBody.Replace(Notification.UnsubscribePlaceholder, unsubscribe),
                    HtmlBody = mail.HtmlBody.Replace(Notification.UnsubscribePlaceholder, System.Net.WebUtility.HtmlEncode(unsubscribe)),
                    UnsubscribeUrl = unsubscribe,
                }, now, cancellationToken, notBefore: sendAt);
                break;
            case EmailChoice.Digest:
                await using (var command = new NpgsqlCommand("""
                    INSERT INTO notification_digest_items (id, school_id, user_id, kind, subject, summary, url, home, created_at)
                    VALUES (@id, @school, @user, @kind, @subject, @summary, @url, @home, @now)
                    """, connection, transaction))
                {
                    command.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
                    command.Parameters.AddWithValue("school", mail.SchoolId);
                    command.Parameters.AddWithValue("user", notification.UserId);
                    command.Parameters.AddWithValue("kind", notification.Kind.Code());
                    command.Parameters.AddWithValue("subject", mail.Subject);
                    command.Parameters.AddWithValue("summary", notification.Summary);
                    command.Parameters.AddWithValue("url", notification.Url);
                    command.Parameters.AddWithValue("home", notification.Home);
                    command.Parameters.AddWithValue("now", now);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                break;
        }
        // Push is on by default: a user who never allowed it on a device gets no notice queued for nobody.
        var pushed = choice.Push && await HasDeviceAsync(connection, transaction, notification.UserId, cancellationToken);
        if (pushed)
        {
            await PushQueue.EnqueueAsync(connection, transaction, new PushNotice(mail.SchoolId, notification.UserId, mail.Subject, notification.Summary,
                notification.Url, notification.Tag ?? notification.Kind.Code()), sendAt, now, cancellationToken);
        }
        return new NotificationOutcome(choice.Email, sendAt, pushed);
    }

    static async Task<bool> HasDeviceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM push_subscriptions WHERE user_id = @user)", connection, transaction);
        command.Parameters.AddWithValue("user", userId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The same in a transaction of its own, for a sender whose change is already written (a mail after a refund).</summary>
    public static async Task<NotificationOutcome> SendAsync(NpgsqlDataSource db, Notification notification, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await SendAsync(connection, transaction, notification, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }
}