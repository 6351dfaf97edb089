using System.Security.Cryptography;
using System.Text.Json;
using ItSchool.Wallets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ItSchool.Payments;

/// <summary>A payment attempt as the sandbox's test checkout page shows it.</summary>
public sealed record SandboxCheckout(string Id, long AmountCents, string Description, string ReturnUrl, ProviderPaymentStatus Status, PaymentMethod? Method);

/// <summary>
/// The built-in test provider (the demo default): its checkout page lives in the app and lets a newcomer pay
/// or fail without any account anywhere. It behaves like a real provider all the same: it keeps its own books
/// (<c>sandbox_payments</c>) and reports through a signed webhook over HTTP.
/// </summary>
public sealed class SandboxProvider(NpgsqlDataSource db, TimeProvider clock, IOptions<PaymentSettings> settings) : IPaymentProvider
{
    public const string ProviderName = "sandbox";
    public const string SignatureHeader = "Sandbox-Signature";

    // A random secret per process still works alone: each node's sandbox page calls that node's own webhook.
    readonly string secret = settings.Value.Sandbox.Secret is { Length: > 0 } configured
        ? configured
        : Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string Name => ProviderName;

    public async Task<ProviderCheckout> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken = default)
    {
        var id = "sbx_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var command = db.CreateCommand("""
            INSERT INTO sandbox_payments (id, amount_cents, description, return_url, created_at) VALUES (@id, @amount, @description, @return, @now)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("amount", request.AmountCents);
        command.Parameters.AddWithValue("description", request.Description);
        command.Parameters.AddWithValue("return", request.ReturnUrl);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new ProviderCheckout(id, $"{request.SchoolUrl}/paiement-sandbox/{id}");
    }

    public async Task<SandboxCheckout?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT id, amount_cents, description, return_url, status, method FROM sandbox_payments WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SandboxCheckout(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4) switch { "paid" => ProviderPaymentStatus.Paid, "failed" => ProviderPaymentStatus.Failed, _ => ProviderPaymentStatus.Pending },
                reader.IsDBNull(5) ? null : LedgerNames.FromDatabase<PaymentMethod>(reader.GetString(5)))
            : null;
    }

    /// <summary>The test page's "Payer" or "Simuler un échec": the first answer stands, as at a real provider.</summary>
    public async Task SettleAsync(string id, bool paid, PaymentMethod method, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE sandbox_payments SET status = @status, method = @method WHERE id = @id AND status = 'open'");
        command.Parameters.AddWithValue("status", paid ? "paid" : "failed");
        command.Parameters.AddWithValue("method", LedgerNames.ToDatabase(method));
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The webhook the sandbox sends about a payment: its body and signature header.</summary>
    public (string Body, string Signature) Webhook(string id)
    {
        var body = JsonSerializer.Serialize(new { type = "payment.updated", payment = id });
        return (body, WebhookSignature.Header(body, secret, clock.GetUtcNow()));
    }

    public WebhookReading ReadWebhook(WebhookRequest request)
    {
        if (WebhookSignature.Problem(request.Header(SignatureHeader), request.Body, secret, clock.GetUtcNow()) is { } problem)
        {
            return new WebhookReading.Refused(problem);
        }
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            return json.RootElement.TryGetProperty("payment", out var payment) && payment.GetString() is { Length: > 0 } id
                ? new WebhookReading.About(id)
                : new WebhookReading.Refused("signed body names no payment");
        }
        catch (JsonException)
        {
            return new WebhookReading.Refused("signed body is not JSON");
        }
    }

    /// <summary>Like a real provider: only a paid payment, never beyond what it took, once per key.</summary>
    public async Task<ProviderRefund> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var payment = new NpgsqlCommand("SELECT 1 FROM sandbox_payments WHERE id = @payment FOR UPDATE", connection, transaction))
        {
            // One refund of a payment at a time, so two keys cannot both fit under its amount.
            payment.Parameters.AddWithValue("payment", request.ProviderPaymentId);
            await payment.ExecuteScalarAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO sandbox_refunds (id, payment_id, idempotency_key, amount_cents, created_at)
            SELECT @id, p.id, @key, @amount, @now FROM sandbox_payments p
            WHERE p.id = @payment AND p.status = 'paid'
              AND p.amount_cents >= @amount + coalesce((SELECT sum(r.amount_cents) FROM sandbox_refunds r WHERE r.payment_id = p.id), 0)
            ON CONFLICT (idempotency_key) DO NOTHING;
            SELECT id FROM sandbox_refunds WHERE idempotency_key = @key;
            """, connection, transaction);
        command.Parameters.AddWithValue("id", "sbx_re_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        command.Parameters.AddWithValue("payment", request.ProviderPaymentId);
        command.Parameters.AddWithValue("key", request.Key);
        command.Parameters.AddWithValue("amount", request.AmountCents);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        var id = await command.ExecuteScalarAsync(cancellationToken) as string;
        await transaction.CommitAsync(cancellationToken);
        return id is null
            ? new ProviderRefund(null, ProviderRefundStatus.Failed, "the payment is not paid, or the refunds would exceed it")
            : new ProviderRefund(id, ProviderRefundStatus.Refunded);
    }

    public async Task<ProviderPayment?> GetPaymentAsync(string providerPaymentId, CancellationToken cancellationToken = default) =>
        await FindAsync(providerPaymentId, cancellationToken) is { } checkout
            ? new ProviderPayment(checkout.Id, checkout.Status, checkout.AmountCents, "eur", checkout.Method)
            : null;
}