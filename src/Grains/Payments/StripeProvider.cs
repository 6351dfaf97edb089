using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ItSchool.Wallets;
using Microsoft.Extensions.Options;

namespace ItSchool.Payments;

/// <summary>
/// Stripe Checkout over its documented HTTP API (form-encoded requests, JSON answers), with Bancontact and
/// cards. Plain HttpClient rather than the SDK: a handful of calls and one signature are smaller than its surface.
/// </summary>
public sealed class StripeProvider(HttpClient http, TimeProvider clock, IOptions<PaymentSettings> options) : IPaymentProvider
{
    public const string ProviderName = "stripe";
    public const string SignatureHeader = "Stripe-Signature";
    // Our idempotency key, kept in a refund's metadata so it can be found again.
    const string RefundKeyField = "itschool_refund";

    readonly StripeSettings settings = options.Value.Stripe;

    public string Name => ProviderName;

    public async Task<ProviderCheckout> CreateCheckoutAsync(CheckoutRequest request, CancellationToken cancellationToken = default)
    {
        using var message = Request(HttpMethod.Post, "v1/checkout/sessions");
        message.Content = new FormUrlEncodedContent(
        [
            new("mode", "payment"),
            new("payment_method_types[]", "bancontact"),
            new("payment_method_types[]", "card"),
            new("line_items[0][quantity]", "1"),
            new("line_items[0][price_data][currency]", "eur"),
            new("line_items[0][price_data][unit_amount]", request.AmountCents.ToString(CultureInfo.InvariantCulture)),
            new("line_items[0][price_data][product_data][name]", request.Description),
            new("success_url", request.ReturnUrl),
            new("cancel_url", request.CancelUrl),
            new("client_reference_id", request.PaymentId.ToString()),
            new("metadata[payment_id]", request.PaymentId.ToString()),
            new("locale", "fr"),
        ]);
        // Stripe answers a retried creation with the first session instead of opening a second one.
        message.Headers.Add("Idempotency-Key", $"itschool-checkout-{request.PaymentId}");
        using var json = await SendAsync(message, cancellationToken)
            ?? throw new HttpRequestException("Stripe answered 404 to a checkout session creation");
        return new ProviderCheckout(json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("url").GetString()!);
    }

    public WebhookReading ReadWebhook(WebhookRequest request)
    {
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return new WebhookReading.Refused("no Stripe webhook secret is configured");
        }
        if (WebhookSignature.Problem(request.Header(SignatureHeader), request.Body, settings.WebhookSecret, clock.GetUtcNow()) is { } problem)
        {
            return new WebhookReading.Refused(problem);
        }
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            var type = json.RootElement.GetProperty("type").GetString() ?? "";
            return type is "checkout.session.completed" or "checkout.session.async_payment_succeeded"
                or "checkout.session.async_payment_failed" or "checkout.session.expired"
                ? new WebhookReading.About(json.RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!)
                : new WebhookReading.Ignored(type);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new WebhookReading.Refused("signed body is not a Stripe event");
        }
    }

    public async Task<ProviderPayment?> GetPaymentAsync(string providerPaymentId, CancellationToken cancellationToken = default)
    {
        // The session says whether it is paid; the payment method actually used sits on its payment intent.
        using var message = Request(HttpMethod.Get,
            $"v1/checkout/sessions/{Uri.EscapeDataString(providerPaymentId)}?expand[]=payment_intent.payment_method");
        using var json = await SendAsync(message, cancellationToken);
        if (json is null)
        {
            return null;
        }
        var session = json.RootElement;
        var intent = session.TryGetProperty("payment_intent", out var i) && i.ValueKind == JsonValueKind.Object ? i : (JsonElement?)null;
        var status = (session.GetProperty("payment_status").GetString(), session.GetProperty("status").GetString(),
                intent?.GetProperty("status").GetString()) switch
        {
            ("paid", _, _) => ProviderPaymentStatus.Paid,
            (_, "expired", _) => ProviderPaymentStatus.Expired,
            (_, _, "canceled") => ProviderPaymentStatus.Failed,
            (_, "complete", "requires_payment_method") => ProviderPaymentStatus.Failed,
            _ => ProviderPaymentStatus.Pending,
        };
        PaymentMethod? method = intent is { } pi && pi.TryGetProperty("payment_method", out var pm) && pm.ValueKind == JsonValueKind.Object
            ? pm.GetProperty("type").GetString() switch { "bancontact" => PaymentMethod.Bancontact, "card" => PaymentMethod.Card, _ => null }
            : null;
        return new ProviderPayment(session.GetProperty("id").GetString()!, status,
            session.TryGetProperty("amount_total", out var total) && total.ValueKind == JsonValueKind.Number ? total.GetInt64() : 0,
            session.GetProperty("currency").GetString() ?? "", method);
    }

    /// <summary>
    /// Refunds the payment intent behind a checkout session (POST /v1/refunds). Stripe forgets idempotency keys
    /// after a day, so a retry first looks for a refund carrying our key in its metadata.
    /// </summary>
    public async Task<ProviderRefund> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default)
    {
        string? intent;
        using (var message = Request(HttpMethod.Get, $"v1/checkout/sessions/{Uri.EscapeDataString(request.ProviderPaymentId)}"))
        using (var session = await SendAsync(message, cancellationToken))
        {
            if (session is null)
            {
                return new ProviderRefund(null, ProviderRefundStatus.Failed, $"Stripe does not know checkout session {request.ProviderPaymentId}");
            }
            intent = session.RootElement.TryGetProperty("payment_intent", out var i)
                ? i.ValueKind switch { JsonValueKind.String => i.GetString(), JsonValueKind.Object => i.GetProperty("id").GetString(), _ => null }
                : null;
        }
        if (intent is null)
        {
            return new ProviderRefund(null, ProviderRefundStatus.Failed, $"checkout session {request.ProviderPaymentId} has no payment to refund");
        }

        using (var message = Request(HttpMethod.Get, $"v1/refunds?payment_intent={Uri.EscapeDataString(intent)}&limit=100"))
        using (var list = await SendAsync(message, cancellationToken))
        {
            foreach (var refund in list?.RootElement.GetProperty("data").EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            {
                if (refund.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty(RefundKeyField, out var key) && key.GetString() == request.Key)
                {
                    return Refund(refund);
                }
            }
        }

        using var create = Request(HttpMethod.Post, "v1/refunds");
        create.Content = new FormUrlEncodedContent(
        [
            new("payment_intent", intent),
            new("amount", request.AmountCents.ToString(CultureInfo.InvariantCulture)),
            new("reason", "requested_by_customer"),
            new($"metadata[{RefundKeyField}]", request.Key),
        ]);
        create.Headers.Add("Idempotency-Key", $"itschool-refund-{request.Key}");
        try
        {
            using var created = await SendAsync(create, cancellationToken)
                ?? throw new HttpRequestException("Stripe answered 404 to a refund creation");
            return Refund(created.RootElement);
        }
        catch (HttpRequestException e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.PaymentRequired)
        {
            // Refused for good (already refunded, more than the charge): asking again would get the same answer.
            return new ProviderRefund(null, ProviderRefundStatus.Failed, e.Message);
        }

        static ProviderRefund Refund(JsonElement refund) => new(refund.GetProperty("id").GetString(),
            refund.GetProperty("status").GetString() switch
            {
                "succeeded" => ProviderRefundStatus.Refunded,
                "failed" or "canceled" => ProviderRefundStatus.Failed,
                _ => ProviderRefundStatus.Pending,
            },
            refund.TryGetProperty("failure_reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null);
    }

    HttpRequestMessage Request(HttpMethod method, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(settings.BaseUrl, path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.SecretKey);
        return message;
    }

    async Task<JsonDocument?> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Stripe answered {(int)response.StatusCode} to {message.Method} {message.RequestUri?.AbsolutePath}: " +
                await response.Content.ReadAsStringAsync(cancellationToken), null, response.StatusCode);
        }
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }
}