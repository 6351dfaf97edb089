using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Payments;

/// <summary>
/// A local stand-in for Stripe's API, answering the calls the provider makes the way Stripe documents them:
/// <c>POST /v1/checkout/sessions</c> (form-encoded) and <c>GET /v1/checkout/sessions/{id}</c> with
/// <c>expand[]=payment_intent.payment_method</c>, <c>POST /v1/refunds</c> (with its idempotency key, refusing more
/// than the payment took) and <c>GET /v1/refunds?payment_intent=</c>, JSON bodies, and Stripe's error object.
/// </summary>
public sealed class StripeStub : IAsyncDisposable
{
    public sealed record Received(string Method, string Path, string Query, string? Authorization, string? IdempotencyKey,
        IReadOnlyDictionary<string, string[]> Form);

    public sealed class Session
    {
        public required string Id { get; init; }
        public required long AmountTotal { get; init; }
        public required string Currency { get; init; }
        public required Dictionary<string, string> Metadata { get; init; }
        public string PaymentStatus { get; set; } = "unpaid";
        public string Status { get; set; } = "open";
        public string? PaymentMethodType { get; set; }
    }

    public sealed record Refund(string Id, string PaymentIntent, long Amount, IReadOnlyDictionary<string, string> Metadata);

    readonly WebApplication app;
    readonly ConcurrentDictionary<string, Refund> refundsByIdempotencyKey = new();

    public ConcurrentQueue<Refund> Refunds { get; } = new();

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentDictionary<string, Session> Sessions { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>While true, reading a session answers 500 with Stripe's error body: Stripe having an outage.</summary>
    public bool Failing { get; set; }

    /// <summary>While true, reading a session answers only after <see cref="SlowFor"/>: Stripe too slow to be waited for.</summary>
    public bool Slow { get; set; }

    public TimeSpan SlowFor { get; set; } = TimeSpan.FromSeconds(10);

    StripeStub()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/v1/checkout/sessions", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            Record(context, form.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray()));
            var session = new Session
            {
                Id = "cs_test_" + Guid.NewGuid().ToString("N"),
                AmountTotal = long.Parse(form["line_items[0][price_data][unit_amount]"]!),
                Currency = form["line_items[0][price_data][currency]"]!,
                Metadata = form.Where(f => f.Key.StartsWith("metadata[")).ToDictionary(f => f.Key[9..^1], f => f.Value.ToString()),
            };
            Sessions[session.Id] = session;
            return Results.Json(Json(session, expand: false));
        });
        app.MapGet("/v1/checkout/sessions/{id}", async (string id, HttpContext context) =>
        {
            Record(context, new Dictionary<string, string[]>());
            if (Slow)
            {
                try
                {
                    await Task.Delay(SlowFor, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up waiting.
                }
            }
            if (Failing)
            {
                return Results.Json(new { error = new { message = "An unknown error occurred", type = "api_error" } }, statusCode: 500);
            }
            return Sessions.TryGetValue(id, out var session)
                ? Results.Json(Json(session, context.Request.Query["expand[]"].Contains("payment_intent.payment_method")))
                : Results.Json(new
                {
                    error = new { code = "resource_missing", message = $"No such checkout.session: '{id}'", param = "session", type = "invalid_request_error" },
                }, statusCode: 404);
        });
        MapRefunds();
    }

    void MapRefunds()
    {
        app.MapPost("/v1/refunds", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            Record(context, form.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray()));
            var key = context.Request.Headers["Idempotency-Key"].ToString();
            if (key.Length > 0 && refundsByIdempotencyKey.TryGetValue(key, out var known))
            {
                return Results.Json(RefundJson(known));
            }
            var intent = form["payment_intent"].ToString();
            var session = Sessions.Values.FirstOrDefault(s => s.PaymentMethodType is not null && $"pi_{s.Id[8..]}" == intent);
            var amount = long.Parse(form["amount"]!);
            if (session is null || amount + Refunds.Where(r => r.PaymentIntent == intent).Sum(r => r.Amount) > session.AmountTotal)
            {
                return Results.Json(new
                {
                    error = new { code = "amount_too_large", message = $"Refund amount ({amount}) is greater than unrefunded amount on charge", type = "invalid_request_error" },
                }, statusCode: 400);
            }
            var refund = new Refund("re_" + Guid.NewGuid().ToString("N"), intent, amount,
                form.Where(f => f.Key.StartsWith("metadata[")).ToDictionary(f => f.Key[9..^1], f => f.Value.ToString()));
            Refunds.Enqueue(refund);
            if (key.Length > 0)
            {
                refundsByIdempotencyKey[key] = refund;
            }
            return Results.Json(RefundJson(refund));
        });
        app.MapGet("/v1/refunds", (HttpContext context) =>
        {
            Record(context, new Dictionary<string, string[]>());
            var intent = context.Request.Query["payment_intent"].ToString();
            return Results.Json(new
            {
                @object = "list",
                has_more = false,
                url = "/v1/refunds",
                data = Refunds.Where(r => r.PaymentIntent == intent).Reverse().Select(RefundJson).ToArray()
            });
        });
    }

    /// <summary>Stripe keeps idempotency keys for a day: after that, a retried request is a new one.</summary>
    public void ForgetIdempotencyKeys() => refundsByIdempotencyKey.Clear();

    static object RefundJson(Refund refund) => new Dictionary<string, object?>
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["currency"] = "eur",
        ["payment_intent"] = refund.PaymentIntent,
        ["metadata"] = refund.Metadata,
        ["reason"] = "requested_by_customer",
        ["status"] = "succeeded",
    };

    public static async Task<StripeStub> StartAsync()
    {
        var stub = new StripeStub();
        await stub.app.StartAsync();
        stub.BaseUrl = new Uri(stub.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return stub;
    }

    /// <summary>The customer paid on Stripe's page with this method ("bancontact" or "card").</summary>
    public void Pay(string id, string methodType)
    {
        var session = Sessions[id];
        session.PaymentStatus = "paid";
        session.Status = "complete";
        session.PaymentMethodType = methodType;
    }

    /// <summary>An event as Stripe posts it to a webhook endpoint, the session in <c>data.object</c>.</summary>
    public string Event(string type, string sessionId) => System.Text.Json.JsonSerializer.Serialize(new
    {
        id = "evt_" + Guid.NewGuid().ToString("N"),
        @object = "event",
        api_version = "2025-03-31.basil",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        livemode = false,
        type,
        data = new { @object = Json(Sessions.TryGetValue(sessionId, out var s) ? s : Ghost(sessionId), expand: false) },
    });

    static Session Ghost(string id) => new() { Id = id, AmountTotal = 1_000, Currency = "eur", Metadata = [], PaymentStatus = "paid", Status = "complete" };

    object Json(Session session, bool expand) => new Dictionary<string, object?>
    {
        ["id"] = session.Id,
        ["object"] = "checkout.session",
        ["amount_total"] = session.AmountTotal,
        ["currency"] = session.Currency,
        ["metadata"] = session.Metadata,
        ["mode"] = "payment",
        ["payment_method_types"] = new[] { "bancontact", "card" },
        ["payment_status"] = session.PaymentStatus,
        ["status"] = session.Status,
        ["url"] = session.Status == "open" ? new Uri(BaseUrl, $"c/pay/{session.Id}").ToString() : null,
        ["payment_intent"] = session.PaymentMethodType is null
            ? null
            : expand
                ? new Dictionary<string, object?>
                {
                    ["id"] = "pi_" + session.Id[8..],
                    ["object"] = "payment_intent",
                    ["status"] = "succeeded",
                    ["payment_method"] = new { id = "pm_" + session.Id[8..], @object = "payment_method", type = session.PaymentMethodType },
                }
                : "pi_" + session.Id[8..],
    };

    void Record(HttpContext context, IReadOnlyDictionary<string, string[]> form) =>
        Requests.Enqueue(new Received(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.ToString(), context.Request.Headers["Idempotency-Key"].ToString(), form));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}