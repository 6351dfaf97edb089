using ItSchool.Payments;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Invoices;

public enum ProviderRefundState
{
    Pending = 1,
    Refunded = 2,
    Failed = 3,
}

/// <summary>A credit note's refund through the online provider, as the invoice pages show it.</summary>
public sealed record ProviderRefundView(string Key, long AmountCents, ProviderRefundState State, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// Asks the online provider for the refunds credit notes wrote down (<c>invoice_provider_refunds</c>): right after
/// the credit note, and again from a job for those the provider could not take then. Lives beside the web tier's
/// provider, not in a grain: a standalone silo has no provider. Each row is taken under a row lock, and its key
/// is the provider's idempotency key, so two nodes or a retry never refund twice.
/// </summary>
public sealed class ProviderRefunds(IPaymentProvider provider, NpgsqlDataSource db, TimeProvider clock, ILogger<ProviderRefunds> logger)
{
    /// <summary>The pending refunds (of one invoice, or all), each asked once; answers how many the provider took.</summary>
    public async Task<int> RunPendingAsync(Guid? invoiceId = null, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        await using (var command = db.CreateCommand("""
            SELECT key FROM invoice_provider_refunds WHERE status = 'pending' AND (@invoice::uuid IS NULL OR invoice_id = @invoice)
            ORDER BY created_at LIMIT 200
            """))
        {
            command.Parameters.Add(new NpgsqlParameter("invoice", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)invoiceId ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }
        var taken = 0;
        foreach (var key in keys)
        {
            if (await RunAsync(key, cancellationToken))
            {
                taken++;
            }
        }
        return taken;
    }

    async Task<bool> RunAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string paymentProvider, paymentId;
        long amount;
        await using (var claim = new NpgsqlCommand("""
            SELECT provider, provider_payment_id, amount_cents FROM invoice_provider_refunds
            WHERE key = @key AND status = 'pending' FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("key", key);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                // Done meanwhile, or another node is asking right now.
                return false;
            }
            (paymentProvider, paymentId, amount) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
        }

        ProviderRefund answer;
        if (paymentProvider != provider.Name)
        {
            answer = new ProviderRefund(null, ProviderRefundStatus.Failed, $"paid through {paymentProvider}, and the installation now uses {provider.Name}");
        }
        else
        {
            try
            {
                answer = await provider.RefundAsync(new RefundRequest(paymentId, amount, key), cancellationToken);
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning(e, "The {Provider} provider could not take refund {Key} now; it is asked again later", provider.Name, key);
                await SaveAsync(connection, transaction, key, "pending", null, e.Message, null, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return false;
            }
        }
        if (answer.Status == ProviderRefundStatus.Failed)
        {
            logger.LogError("The {Provider} provider refused refund {Key} of {Cents} cents on {PaymentId}: {Problem}. The school must pay it back itself.",
                paymentProvider, key, amount, paymentId, answer.Problem);
        }
        // A refund the provider accepted is done for us, even while it travels to the payer's card.
        await SaveAsync(connection, transaction, key, answer.Status == ProviderRefundStatus.Failed ? "failed" : "refunded", answer.RefundId,
            answer.Problem, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return answer.Status != ProviderRefundStatus.Failed;
    }

    static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, string status, string? refundId,
        string? problem, DateTimeOffset? finishedAt, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE invoice_provider_refunds
            SET status = @status, provider_refund_id = @refund, last_error = @problem, finished_at = @finished, attempts = attempts + 1
            WHERE key = @key
            """, connection, transaction);
        update.Parameters.AddWithValue("key", key);
        update.Parameters.AddWithValue("status", status);
        update.Parameters.AddWithValue("refund", (object?)refundId ?? DBNull.Value);
        update.Parameters.AddWithValue("problem", (object?)problem ?? DBNull.Value);
        update.Parameters.Add(new NpgsqlParameter("finished", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)finishedAt ?? DBNull.Value });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An invoice's provider refunds, oldest first.</summary>
    public async Task<IReadOnlyList<ProviderRefundView>> ForInvoiceAsync(Guid invoiceId,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT key, amount_cents, status, created_at, finished_at FROM invoice_provider_refunds WHERE invoice_id = @invoice ORDER BY created_at, key
            """);
        command.Parameters.AddWithValue("invoice", invoiceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var refunds = new List<ProviderRefundView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            refunds.Add(new ProviderRefundView(reader.GetString(0), reader.GetInt64(1), LedgerNames.FromDatabase<ProviderRefundState>(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return refunds;
    }
}