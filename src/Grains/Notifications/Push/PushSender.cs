using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;

namespace ItSchool.Notifications.Push;

/// <summary>What the push service answered to one message.</summary>
public enum PushOutcome
{
    Delivered,

    /// <summary>The device is gone (404, 410) or its endpoint is refused: forget it.</summary>
    Gone,

    /// <summary>Busy, failing or unreachable (429, 5xx, a timeout): try again later.</summary>
    Later,

    /// <summary>Refused for good (another 4xx): drop this message, keep the device.</summary>
    Refused,
}

/// <summary>
/// Sends one notice to one device through Lib.Net.Http.WebPush: the payload encrypted for the device (aes128gcm,
/// RFC 8291) and signed for the push service with the installation's VAPID key (RFC 8292, the <c>vapid</c> scheme).
/// </summary>
public sealed class PushSender(VapidKeys keys, PushSubject subject, IOptions<PushSettings> options) : IDisposable
{
    /// <summary>A push service that does not answer in this time is treated as down: the delivery is retried later.</summary>
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The push services accept 4096 bytes of encrypted message; the text is cut well before, at a character.</summary>
    const int MaxBodyLength = 1000;

    /// <summary>How long a VAPID token holds (RFC 8292 allows up to a day).</summary>
    const int TokenLifetimeSeconds = 12 * 3600;

    readonly HttpClient http = new(new OriginAudience(keys, subject) { InnerHandler = PushEndpoints.Handler(options.Value.AllowLocalEndpoints) })
    {
        Timeout = Timeout,
    };

    public async Task<(PushOutcome Outcome, TimeSpan? RetryAfter, string? Error)> SendAsync(PushDeliveryItem item, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var pair = await keys.GetAsync();
        using var vapid = Authentication(pair, subject);
        var client = new PushServiceClient(http) { AutoRetryAfter = false };
        var subscription = new PushSubscription { Endpoint = item.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, item.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, item.Auth);
        var message = new PushMessage(Payload(item))
        {
            // The push service keeps it for the device no longer than the notice stays worth showing.
            TimeToLive = (int)Math.Clamp((item.QueuedAt + PushDeliveries.Freshness - now).TotalSeconds, 60, PushDeliveries.Freshness.TotalSeconds),
            Urgency = PushMessageUrgency.Normal,
            // A newer notice under the same tag replaces one still waiting at the push service, as it does on the screen.
            Topic = Topic(item.Tag),
        };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, message, vapid, VapidAuthenticationScheme.Vapid, cancellationToken);
            return (PushOutcome.Delivered, null, null);
        }
        catch (PushServiceClientException e)
        {
            var error = $"{(int)e.StatusCode} {e.Message}";
            return e.StatusCode switch
            {
                HttpStatusCode.NotFound or HttpStatusCode.Gone => (PushOutcome.Gone, null, error),
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                    (PushOutcome.Later, RetryAfter(e.Headers, now), error),
                _ => (PushOutcome.Refused, null, error),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedEndpointException refused)
        {
            return (PushOutcome.Gone, null, refused.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (PushOutcome.Later, null, e.Message);
        }
    }

    /// <summary>What the service worker shows (wwwroot/js/service-worker.js reads these four names).</summary>
    static string Payload(PushDeliveryItem item) => JsonSerializer.Serialize(new
    {
        title = item.Title,
        body = item.Body.Length > MaxBodyLength ? item.Body[..MaxBodyLength].TrimEnd() + "…" : item.Body,
        url = item.Url,
        tag = item.Tag,
    });

    /// <summary>A topic is at most 32 characters of the base64url alphabet (RFC 8030 §5.4); a tag is any text, so its hash stands in.</summary>
    static string Topic(string tag) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(tag))).Replace('+', '-').Replace('/', '_')[..32];

    static VapidAuthentication Authentication(VapidKeyPair pair, PushSubject subject) =>
        new(pair.PublicKey, pair.PrivateKey) { Subject = subject.Value, Expiration = TokenLifetimeSeconds };

    static TimeSpan? RetryAfter(HttpResponseHeaders? headers, DateTimeOffset now) => headers?.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    public void Dispose() => http.Dispose();

    /// <summary>
    /// The token's audience is the push service's origin (RFC 8292 §2), port included. Lib.Net.Http.WebPush 3.3.1 writes
    /// <c>scheme://host</c> (PushServiceClient.SetAuthentication), which is the origin on the default port that every public
    /// push service uses, and the only one production accepts (<see cref="PushEndpoints.IsAcceptable"/>); on another port
    /// (the tests' local push service) the library signs again here for the full origin.
    /// </summary>
    sealed class OriginAudience(VapidKeys keys, PushSubject subject) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { IsDefaultPort: false } endpoint)
            {
                using var vapid = Authentication(await keys.GetAsync(), subject);
                request.Headers.Authorization = new AuthenticationHeaderValue("vapid",
                    vapid.GetVapidSchemeAuthenticationHeaderValueParameter(endpoint.GetLeftPart(UriPartial.Authority)));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}