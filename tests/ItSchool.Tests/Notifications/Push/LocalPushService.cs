using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>A message the local push service took: who it was for, the decrypted JSON, and the headers that came with it.</summary>
public sealed record ReceivedPush(Uri Endpoint, string Json, int TimeToLive, string? Urgency, string? Topic)
{
    public JsonElement Payload => JsonDocument.Parse(Json).RootElement;

    public string Tag => Payload.GetProperty("tag").GetString()!;
}

/// <summary>
/// Plays a browser's push service on loopback (a small Kestrel app): it takes a message only with a valid VAPID token for
/// the installation's key (ES256 signature, audience its own origin, expiry within a day) and an aes128gcm body its
/// subscriber can decrypt; otherwise it answers 400/401 and records the refusal. A test may make it answer other codes
/// first (<see cref="AnswerNext"/>).
/// </summary>
public sealed class LocalPushService : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, PushSubscriber> subscribers = new();
    readonly ConcurrentDictionary<string, ConcurrentQueue<int>> answers = new();
    WebApplication? app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The installation's VAPID public key (base64url) every token must carry; set by the test from the node.</summary>
    public string? ExpectedKey { get; set; }

    public ConcurrentQueue<ReceivedPush> Received { get; } = new();

    /// <summary>Every request, taken or not, by endpoint: how often the server tried.</summary>
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public ConcurrentQueue<string> Refusals { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/push/{id}", HandleAsync);
        await app.StartAsync();
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>A new browser subscription at this service: its endpoint and keys.</summary>
    public PushSubscriber Subscribe()
    {
        var id = Guid.NewGuid().ToString("N");
        var subscriber = new PushSubscriber(new Uri(BaseAddress, $"/push/{id}"));
        subscribers[id] = subscriber;
        return subscriber;
    }

    /// <summary>The next requests to this subscriber's endpoint get these statuses, in order, before it takes messages again.</summary>
    public void AnswerNext(PushSubscriber subscriber, params int[] statuses)
    {
        var queue = answers.GetOrAdd(subscriber.Endpoint.AbsolutePath, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses)
        {
            queue.Enqueue(status);
        }
    }

    public IReadOnlyList<ReceivedPush> For(PushSubscriber subscriber, string tag) =>
        [.. Received.Where(push => push.Endpoint == subscriber.Endpoint && push.Tag == tag)];

    async Task<IResult> HandleAsync(HttpContext context, string id)
    {
        var path = context.Request.Path.Value!;
        Attempts.AddOrUpdate(path, 1, (_, n) => n + 1);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var status))
        {
            return Results.StatusCode(status);
        }
        if (!subscribers.TryGetValue(id, out var subscriber))
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }
        if (CheckVapid(context.Request) is { } refusal)
        {
            Refusals.Enqueue(refusal);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }
        if (context.Request.Headers.ContentEncoding != "aes128gcm" || !int.TryParse(context.Request.Headers["TTL"], out var ttl))
        {
            Refusals.Enqueue($"headers: Content-Encoding {context.Request.Headers.ContentEncoding}, TTL {context.Request.Headers["TTL"]}");
            return Results.BadRequest();
        }
        string json;
        try
        {
            json = subscriber.Decrypt(body.ToArray());
        }
        catch (Exception e)
        {
            Refusals.Enqueue($"decryption: {e.Message}");
            return Results.BadRequest();
        }
        Received.Enqueue(new ReceivedPush(subscriber.Endpoint, json, ttl, context.Request.Headers["Urgency"], context.Request.Headers["Topic"]));
        return Results.Created();
    }

    /// <summary>RFC 8292: <c>Authorization: vapid t=JWT, k=public key</c>; null when it holds.</summary>
    string? CheckVapid(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("vapid ", StringComparison.Ordinal))
        {
            return $"scheme: {header}";
        }
        var parameters = header["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        if (parameters["k"] != ExpectedKey)
        {
            return $"key: {parameters["k"]} is not the installation's {ExpectedKey}";
        }
        var parts = parameters["t"].Split('.');
        var point = Base64Url.DecodeFromChars(parameters["k"]);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..65] },
        });
        if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256))
        {
            return "signature";
        }
        var jwtHeader = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        var origin = $"{request.Scheme}://{request.Host}";
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        if (jwtHeader.GetProperty("alg").GetString() != "ES256" || claims.GetProperty("aud").GetString() != origin
            || expires <= DateTimeOffset.UtcNow || expires > DateTimeOffset.UtcNow.AddHours(24)
            || !claims.TryGetProperty("sub", out var subject) || string.IsNullOrEmpty(subject.GetString()))
        {
            return $"claims: {claims} for {origin}";
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        foreach (var subscriber in subscribers.Values)
        {
            subscriber.Dispose();
        }
    }
}