using Npgsql;

namespace ItSchool.Notifications.Push;

/// <summary>A notice on its way to one device, as a sender claimed it.</summary>
public sealed record PushDeliveryItem(
    Guid Id, int Attempts, Guid SubscriptionId, string Endpoint, string P256dh, string Auth,
    string Title, string Body, string Url, string Tag, DateTimeOffset QueuedAt);

/// <summary>
/// The push queue seen from the sending side: due notices become one delivery per device of their user, and the
/// deliveries are claimed, finished or put back for a retry. Every step is one statement, safe with any number of nodes.
/// </summary>
public sealed class PushDeliveries(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>A notice this old is not worth a buzz any more: it is dropped, not sent.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromDays(1);

    /// <summary>Queues a notice to be sent at once (the device setting's test), in a transaction of its own.</summary>
    public async Task QueueNowAsync(PushNotice notice, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PushQueue.EnqueueAsync(connection, transaction, notice, now, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Turns up to <paramref name="batch"/> due notices into deliveries, one per device their user has now, and marks
    /// them sent in the same statement: a notice is expanded once whatever the number of nodes (its row is locked,
    /// and others skip it), and a user without a device, or a notice gone stale, is done with nothing to send.
    /// </summary>
    public async Task<int> ExpandDueAsync(int batch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = db.CreateCommand("""
            WITH due AS (
                SELECT id, school_id, user_id, created_at FROM push_queue
                WHERE sent_at IS NULL AND send_after <= @now
                ORDER BY send_after LIMIT @batch
                FOR UPDATE SKIP LOCKED),
            fanned AS (
                INSERT INTO push_deliveries (id, notice_id, subscription_id, next_attempt_at)
                SELECT gen_random_uuid(), due.id, s.id, @now FROM due
                JOIN push_subscriptions s ON s.school_id = due.school_id AND s.user_id = due.user_id
                WHERE due.created_at > @stale)
            UPDATE push_queue q SET sent_at = @now FROM due WHERE q.id = due.id
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("stale", now - Freshness);
        command.Parameters.AddWithValue("batch", batch);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="batch"/> due deliveries for this sender: their next attempt moves a lease ahead, so
    /// another node's sender skips them while this one sends, and one that dies mid-way leaves them to a retry. Those
    /// whose notice went stale while waiting go without being sent.
    /// </summary>
    public async Task<IReadOnlyList<PushDeliveryItem>> ClaimDueAsync(int batch, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var stale = new NpgsqlCommand("""
            DELETE FROM push_deliveries d USING push_queue q
            WHERE q.id = d.notice_id AND q.created_at <= @stale AND d.next_attempt_at <= @now
            """, connection))
        {
            stale.Parameters.AddWithValue("now", now);
            stale.Parameters.AddWithValue("stale", now - Freshness);
            await stale.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("""
            UPDATE push_deliveries d SET attempts = d.attempts + 1, next_attempt_at = @lease_end
            FROM push_queue q, push_subscriptions s
            WHERE d.id IN (SELECT id FROM push_deliveries WHERE next_attempt_at <= @now
                           ORDER BY next_attempt_at LIMIT @batch FOR UPDATE SKIP LOCKED)
              AND q.id = d.notice_id AND s.id = d.subscription_id
            RETURNING d.id, d.attempts, s.id, s.endpoint, s.p256dh, s.auth, q.title, q.body, q.url, q.tag, q.created_at
            """, connection);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease_end", now + lease);
        command.Parameters.AddWithValue("batch", batch);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<PushDeliveryItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new PushDeliveryItem(reader.GetGuid(0), reader.GetInt32(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }
        return claimed;
    }

    /// <summary>The push service took it (or refused it for good): nothing more to do for this device.</summary>
    public async Task FinishAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM push_deliveries WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RetryAsync(Guid id, DateTimeOffset at, string error, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("UPDATE push_deliveries SET next_attempt_at = @at, last_error = @error WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("error", error.Length > 500 ? error[..500] : error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The push service says the device is gone (404, 410): its row goes, and with it what was still on its way.</summary>
    public async Task ForgetDeviceAsync(Guid subscriptionId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM push_subscriptions WHERE id = @id");
        command.Parameters.AddWithValue("id", subscriptionId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}