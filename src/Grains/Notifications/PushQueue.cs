using Npgsql;

namespace ItSchool.Notifications;

/// <summary>
/// What a push notification says: a title and a line in the user's language, the page it opens, and a tag under which
/// a newer notice replaces an older one on the device (one balance alert per child and compartment, not a pile).
/// </summary>
public sealed record PushNotice(Guid SchoolId, Guid UserId, string Title, string Body, string Url, string Tag);

/// <summary>
/// The durable queue of push notifications: a notice exists exactly when what it tells was written, because it is
/// queued in the caller's transaction; delivery to the user's devices happens later and only from
/// <c>sendAfter</c> (quiet hours hold it until they end).
/// </summary>
public static class PushQueue
{
    public static async Task<Guid> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PushNotice notice,
        DateTimeOffset sendAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var command = new NpgsqlCommand("""
            INSERT INTO push_queue (id, school_id, user_id, title, body, url, tag, send_after, created_at)
            VALUES (@id, @school, @user, @title, @body, @url, @tag, @after, @now)
            """, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", notice.SchoolId);
        command.Parameters.AddWithValue("user", notice.UserId);
        command.Parameters.AddWithValue("title", notice.Title);
        command.Parameters.AddWithValue("body", notice.Body);
        command.Parameters.AddWithValue("url", notice.Url);
        command.Parameters.AddWithValue("tag", notice.Tag);
        command.Parameters.AddWithValue("after", sendAfter);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }
}