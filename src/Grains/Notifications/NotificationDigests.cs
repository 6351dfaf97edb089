using ItSchool.Mail;
using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Notifications;

/// <summary>A line of a user's digest, in their language since it was composed for them.</summary>
public sealed record DigestItem(NotificationKind Kind, string Subject, string Summary, string Url, DateTimeOffset CreatedAt);

/// <summary>
/// The digest a user is due: its items, the school's address, and each kind's unsubscribe link (<see cref="UnsubscribeLinks.Digest"/>
/// for the digest's own).
/// </summary>
public sealed record DueDigest(Guid SchoolId, Guid UserId, DateOnly Day, IReadOnlyList<DigestItem> Items, string Home, Func<string, string> Unsubscribe);

/// <summary>
/// The daily digest: once per user and Brussels day, at or after the user's hour (or at the end of their quiet hours when the
/// hour falls inside them), one mail listing every item that waited, nothing when nothing did. The day's row is claimed
/// in the transaction that marks the items and queues the mail, so any node may run it as often as it likes.
/// </summary>
public sealed class NotificationDigests(NpgsqlDataSource db)
{
    /// <summary>When the digest of <paramref name="day"/> is due: the first time the clocks show the hour that day, moved to the end of quiet hours.</summary>
    public static DateTimeOffset Due(DateOnly day, NotificationSettings settings)
    {
        var due = LocalMoments.First(day, settings.DigestAt);
        return settings.Quiet?.EndAround(due) ?? due;
    }

    /// <summary>
    /// The digest day that is due at <paramref name="now"/> and the moment it became due: today's once its moment passed,
    /// else yesterday's (whose moment quiet hours may have pushed past midnight); null inside quiet hours.
    /// </summary>
    public static (DateOnly Day, DateTimeOffset Due)? DueAt(DateTimeOffset now, NotificationSettings settings)
    {
        if (settings.Quiet?.EndAround(now) is not null)
        {
            return null;
        }
        var today = SchoolTime.Day(now);
        foreach (var day in new[] { today, today.AddDays(-1) })
        {
            if (Due(day, settings) is var due && due <= now)
            {
                return (day, due);
            }
        }
        return null;
    }

    /// <summary>The users with items waiting.</summary>
    public async Task<IReadOnlyList<Guid>> WaitingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT DISTINCT user_id FROM notification_digest_items WHERE digest_day IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(reader.GetGuid(0));
        }
        return users;
    }

    /// <summary>
    /// Sends the user's digest if one is due at <paramref name="now"/> and not yet sent for its day, with the items that
    /// waited from before it was due; answers whether a mail was queued. <paramref name="compose"/> gives null to send nothing
    /// (an account without an address): the items then stay for a later day.
    /// </summary>
    public async Task<bool> SendAsync(Guid userId, DateTimeOffset now, Func<DueDigest, OutgoingMail?> compose, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var settings = await NotificationPreferences.ReadAsync(connection, transaction, userId, cancellationToken);
        if (DueAt(now, settings) is not var (day, due))
        {
            return false;
        }
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO notification_digests (user_id, day, sent_at, items) VALUES (@user, @day, @now, 0) ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("user", userId);
            claim.Parameters.AddWithValue("day", day);
            claim.Parameters.AddWithValue("now", now);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        var items = new List<DigestItem>();
        var (schoolId, home) = (Guid.Empty, "");
        await using (var query = new NpgsqlCommand("""
            SELECT kind, subject, summary, url, created_at, school_id, home FROM notification_digest_items
            WHERE user_id = @user AND digest_day IS NULL AND created_at <= @due
            ORDER BY created_at, id
            FOR UPDATE
            """, connection, transaction))
        {
            query.Parameters.AddWithValue("user", userId);
            query.Parameters.AddWithValue("due", due);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (NotificationKinds.FromCode(reader.GetString(0)) is { } kind)
                {
                    items.Add(new DigestItem(kind, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
                    (schoolId, home) = (reader.GetGuid(5), reader.GetString(6));
                }
            }
        }
        var key = await UnsubscribeLinks.KeyAsync(connection, transaction, cancellationToken);
        if (items.Count == 0
            || compose(new DueDigest(schoolId, userId, day, items, home, code => UnsubscribeLinks.Url(home, userId, code, key))) is not { } mail)
        {
            // Nothing to tell (or nowhere to tell it): the day stays unclaimed, for items that come before it ends.
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await using (var mark = new NpgsqlCommand("""
            UPDATE notification_digest_items SET digest_day = @day WHERE user_id = @user AND digest_day IS NULL AND created_at <= @due;
            UPDATE notification_digests SET items = @count WHERE user_id = @user AND day = @day
            """, connection, transaction))
        {
            mark.Parameters.AddWithValue("user", userId);
            mark.Parameters.AddWithValue("day", day);
            mark.Parameters.AddWithValue("due", due);
            mark.Parameters.AddWithValue("count", items.Count);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await Outbox.EnqueueAsync(connection, transaction, mail with { UnsubscribeUrl = UnsubscribeLinks.Url(home, userId, UnsubscribeLinks.Digest, key) },
            now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}