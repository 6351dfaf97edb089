using System.Net;
using ItSchool.Notifications;
using ItSchool.Notifications.Push;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>
/// The demo node with its local push service: the node may call loopback endpoints (ItSchool:Push:AllowLocalEndpoints,
/// which only a demo installation accepts), and the service checks each message as a browser's push service would.
/// </summary>
public sealed class PushRig : IAsyncLifetime
{
    public WebNode Web { get; } = new() { Arguments = ["--ItSchool:Push:AllowLocalEndpoints=true"] };

    public LocalPushService Service { get; } = new();

    public async Task InitializeAsync()
    {
        await Service.StartAsync();
        await Web.InitializeAsync();
        Service.ExpectedKey = (await Web.Services.GetRequiredService<VapidKeys>().GetAsync()).PublicKey;
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await Service.DisposeAsync();
    }

    public const string DevicesPage = "/e/demo/notifications/appareils";

    /// <summary>Adds the subscriber's device to the user as the device setting does (push.js posts through htmx).</summary>
    public async Task<HttpClient> SubscribeAsync(string userName, params PushSubscriber[] subscribers)
    {
        var client = await SignedIn.AsAsync(Web, userName);
        foreach (var subscriber in subscribers)
        {
            await Forms.HtmxPostAsync(client, DevicesPage, DevicesPage,
                ("Endpoint", subscriber.Endpoint.ToString()), ("P256dh", subscriber.P256dh), ("Auth", subscriber.Auth));
        }
        return client;
    }

    /// <summary>Posts a subscription with the page's token as htmx does, and answers the status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostSubscriptionAsync(HttpClient client, string endpoint, string p256dh, string auth,
        string action = DevicesPage)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent([new("Endpoint", endpoint), new("P256dh", p256dh), new("Auth", auth)]),
        };
        request.Headers.Add("RequestVerificationToken", Forms.AntiforgeryToken(await client.GetStringAsync(DevicesPage)));
        request.Headers.Add("HX-Request", "true");
        var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<Guid> UserIdAsync(string userName) =>
        ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = @value", userName);

    /// <summary>Queues a notice as the features do, in a transaction of the caller's; <paramref name="queuedAt"/> defaults to the node's now.</summary>
    public async Task<Guid> QueueAsync(string userName, string tag, DateTimeOffset? sendAfter = null, DateTimeOffset? queuedAt = null)
    {
        var user = await UserIdAsync(userName);
        var school = await ScalarAsync<Guid>("SELECT school_id FROM users WHERE id = @value", user);
        var now = queuedAt ?? Web.Clock.GetUtcNow();
        await using var db = NpgsqlDataSource.Create(Web.ConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await PushQueue.EnqueueAsync(connection, transaction,
            new PushNotice(school, user, "Solde bas", $"Le portefeuille de Chloé est sous 5,00 € ({tag}).", "finances/soldes", tag),
            sendAfter ?? now, now, CancellationToken.None);
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>One delivery pass, as the node's own loop runs them (which also keeps running).</summary>
    public Task DeliverAsync() => Web.Services.GetRequiredService<PushDelivery>().DeliverDueAsync(CancellationToken.None);

    public Task<long> DevicesOfAsync(PushSubscriber subscriber) =>
        ScalarAsync<long>("SELECT count(*) FROM push_subscriptions WHERE endpoint = @value", subscriber.Endpoint.ToString());

    public Task<bool> SentAsync(Guid notice) =>
        ScalarAsync<bool>("SELECT sent_at IS NOT NULL FROM push_queue WHERE id = @value", notice);

    public Task<long> WaitingDeliveriesAsync(Guid notice) =>
        ScalarAsync<long>("SELECT count(*) FROM push_deliveries WHERE notice_id = @value", notice);

    public async Task<T> ScalarAsync<T>(string sql, object value)
    {
        await using var db = NpgsqlDataSource.Create(Web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("value", value);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}