using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Payments;

/// <summary>The <c>online_payments</c> table: every top-up attempt and what its provider said about it.</summary>
public sealed class OnlinePayments(NpgsqlDataSource db, TimeProvider clock)
{
    const string Columns = """
        id, school_id, pupil_id, compartment, amount_cents, provider, provider_payment_id, redirect_url, status,
        payment_method, started_by, created_at, updated_at, invoice_id
        """;

    /// <summary>
    /// Records a new attempt and opens its checkout with <paramref name="openCheckout"/> in one transaction, or
    /// returns the attempt already made with the same request key. A concurrent twin blocks on the key's row
    /// until this transaction ends, then gets the committed attempt: a double click opens one checkout.
    /// </summary>
    public async Task<OnlinePayment> StartOnceAsync(Guid schoolId, Guid pupilId, int compartment, long amountCents, string provider,
        Guid startedBy, string requestKey, Func<Guid, Task<ProviderCheckout>> openCheckout, Guid? invoiceId = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO online_payments (id, school_id, pupil_id, compartment, amount_cents, provider, started_by, request_key, created_at, updated_at,
                                         invoice_id)
            VALUES (@id, @school, @pupil, @compartment, @amount, @provider, @by, @key, @now, @now, @invoice)
            ON CONFLICT (started_by, request_key) DO UPDATE SET request_key = EXCLUDED.request_key
            RETURNING id, xmax = 0
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
        insert.Parameters.AddWithValue("school", schoolId);
        insert.Parameters.AddWithValue("pupil", pupilId);
        insert.Parameters.AddWithValue("compartment", (short)compartment);
        insert.Parameters.AddWithValue("amount", amountCents);
        insert.Parameters.AddWithValue("provider", provider);
        insert.Parameters.AddWithValue("by", startedBy);
        insert.Parameters.AddWithValue("key", requestKey);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.Add(new NpgsqlParameter("invoice", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)invoiceId ?? DBNull.Value });
        Guid id;
        bool inserted;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (id, inserted) = (reader.GetGuid(0), reader.GetBoolean(1));
        }
        if (inserted)
        {
            var checkout = await openCheckout(id);
            await using var update = new NpgsqlCommand(
                "UPDATE online_payments SET provider_payment_id = @provider_id, redirect_url = @url WHERE id = @id", connection, transaction);
            update.Parameters.AddWithValue("provider_id", checkout.ProviderPaymentId);
            update.Parameters.AddWithValue("url", checkout.RedirectUrl);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(id, cancellationToken))!;
    }

    public Task<OnlinePayment?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindWhereAsync("id = @value", id, cancellationToken);

    public Task<OnlinePayment?> FindByProviderIdAsync(string providerPaymentId, CancellationToken cancellationToken = default) =>
        FindWhereAsync("provider_payment_id = @value", providerPaymentId, cancellationToken);

    /// <summary>The provider's ids of the attempts still pending that were started between the two moments, oldest first.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(string provider, DateTimeOffset startedAfter, DateTimeOffset startedBefore,
        int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT provider_payment_id FROM online_payments
            WHERE status = 'pending' AND provider = @provider AND provider_payment_id IS NOT NULL
              AND created_at > @after AND created_at < @before
            ORDER BY created_at LIMIT @limit
            """);
        command.Parameters.AddWithValue("provider", provider);
        command.Parameters.AddWithValue("after", startedAfter);
        command.Parameters.AddWithValue("before", startedBefore);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    /// <summary>
    /// Records what the provider said. Paid is final: once money has moved, a late "failed" or "expired"
    /// (webhooks arrive in any order) never hides it.
    /// </summary>
    public async Task RecordStatusAsync(Guid id, OnlinePaymentStatus status, PaymentMethod? method, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE online_payments SET status = @status, payment_method = coalesce(@method, payment_method), updated_at = @now
            WHERE id = @id AND status <> 'paid' AND (status <> @status OR payment_method IS DISTINCT FROM coalesce(@method, payment_method))
            """);
        command.Parameters.AddWithValue("status", LedgerNames.ToDatabase(status));
        command.Parameters.AddWithValue("method", method is { } m ? LedgerNames.ToDatabase(m) : DBNull.Value);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task<OnlinePayment?> FindWhereAsync<T>(string condition, T value, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM online_payments WHERE {condition} AND provider_payment_id IS NOT NULL");
        command.Parameters.AddWithValue("value", value!);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new OnlinePayment(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt16(3), reader.GetInt64(4),
            reader.GetString(5), reader.GetString(6), reader.GetString(7), LedgerNames.FromDatabase<OnlinePaymentStatus>(reader.GetString(8)),
            reader.IsDBNull(9) ? null : LedgerNames.FromDatabase<PaymentMethod>(reader.GetString(9)), reader.GetGuid(10),
            reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12), reader.IsDBNull(13) ? null : reader.GetGuid(13));
    }
}