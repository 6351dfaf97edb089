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
/// A local stand-in for Stripe's API, answering the two calls the provider makes the way Stripe documents
/// them: <c>POST /v1/checkout/sessions</c> (form-encoded) and <c>GET /v1/checkout/sessions/{id}</c> with
/// <c>expand[]=payment_intent.payment_method</c>, JSON bodies, and Stripe's error object on 404.
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

    readonly WebApplication app;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentDictionary<string, Session> Sessions { get; } = new();
    public Uri BaseUrl { get; private set; } = null!;

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
        app.MapGet("/v1/checkout/sessions/{id}", (string id, HttpContext context) =>
        {
            Record(context, new Dictionary<string, string[]>());
            return Sessions.TryGetValue(id, out var session)
                ? Results.Json(Json(session, context.Request.Query["expand[]"].Contains("payment_intent.payment_method")))
                : Results.Json(new
                {
                    error = new { code = "resource_missing", message = $"No such checkout.session: '{id}'", param = "session", type = "invalid_request_error" },
                }, statusCode: 404);
        });
    }

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