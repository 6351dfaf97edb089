using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>
/// The push queue to the devices, against a local push service that checks every message as a browser's would: signed
/// with the installation's VAPID key, encrypted for the device, once per device, retried while the service fails.
/// </summary>
public sealed class PushDeliveryTests(PushRig rig) : IClassFixture<PushRig>
{
    [Fact]
    public async Task A_queued_notice_reaches_the_device_signed_for_its_push_service_and_readable_only_by_it()
    {
        using var phone = rig.Service.Subscribe();
        await rig.SubscribeAsync("marc.dubois", phone);

        await rig.QueueAsync("marc.dubois", "balance-chloe");
        await rig.DeliverAsync();

        await Eventually.TrueAsync(() => rig.Service.For(phone, "balance-chloe").Count == 1, because: $"the notice reaches the device; refused: {string.Join(" | ", rig.Service.Refusals)}");
        var push = rig.Service.For(phone, "balance-chloe").Single();
        Assert.Equal(["title", "body", "url", "tag"], push.Payload.EnumerateObject().Select(property => property.Name));
        Assert.Equal("Solde bas", push.Payload.GetProperty("title").GetString());
        Assert.Equal("Le portefeuille de Chloé est sous 5,00 € (balance-chloe).", push.Payload.GetProperty("body").GetString());
        Assert.Equal("finances/soldes", push.Payload.GetProperty("url").GetString());
        Assert.InRange(push.TimeToLive, 23 * 3600, 24 * 3600);
        // Normal is what no Urgency header means (RFC 8030 §5.3).
        Assert.True(push.Urgency is null or "normal", $"Urgency {push.Urgency}");
        Assert.Matches("^[A-Za-z0-9_-]{32}$", push.Topic);
        Assert.Empty(rig.Service.Refusals);
    }

    [Fact]
    public async Task A_device_its_push_service_says_is_gone_is_forgotten()
    {
        using var phone = rig.Service.Subscribe();
        await rig.SubscribeAsync("amelie.lefevre", phone);
        rig.Service.AnswerNext(phone, 410);

        await rig.QueueAsync("amelie.lefevre", "gone");
        await rig.DeliverAsync();

        await Eventually.TrueAsync(async () => await rig.DevicesOfAsync(phone) == 0, because: "a 410 removes the subscription");
        Assert.Empty(rig.Service.For(phone, "gone"));
    }

    [Fact]
    public async Task A_push_service_that_fails_gets_the_notice_once_when_it_is_back()
    {
        using var phone = rig.Service.Subscribe();
        await rig.SubscribeAsync("pierre.lefevre", phone);
        rig.Service.AnswerNext(phone, 500);

        var notice = await rig.QueueAsync("pierre.lefevre", "retried");
        await rig.DeliverAsync();
        // The node's own loop may be the one that tried: the attempt is awaited, not assumed.
        await Eventually.TrueAsync(() => rig.Service.Attempts.GetValueOrDefault(phone.Endpoint.AbsolutePath) == 1, because: "a first attempt is made");
        await Eventually.TrueAsync(async () => await rig.ScalarAsync<bool>(
            "SELECT last_error IS NOT NULL FROM push_deliveries WHERE notice_id = @value", notice), because: "the failure is recorded for a retry");
        Assert.Empty(rig.Service.For(phone, "retried"));

        // The retry waits its backoff (30 s after a first failure): a pass before then sends nothing.
        await rig.DeliverAsync();
        Assert.Equal(1, rig.Service.Attempts[phone.Endpoint.AbsolutePath]);

        rig.Web.Clock.Advance(TimeSpan.FromMinutes(1));
        await rig.DeliverAsync();
        await Eventually.TrueAsync(() => rig.Service.For(phone, "retried").Count == 1, because: "the retry delivers");
        await rig.DeliverAsync();
        Assert.Single(rig.Service.For(phone, "retried"));
        Assert.Equal(0, await rig.WaitingDeliveriesAsync(notice));
        Assert.Equal(1, await rig.DevicesOfAsync(phone));
    }

    [Fact]
    public async Task A_notice_held_until_later_is_sent_only_when_the_clock_reaches_it()
    {
        using var phone = rig.Service.Subscribe();
        await rig.SubscribeAsync("sophie.martin", phone);

        var notice = await rig.QueueAsync("sophie.martin", "after-quiet-hours", sendAfter: rig.Web.Clock.GetUtcNow().AddHours(2));
        await rig.DeliverAsync();
        Assert.False(await rig.SentAsync(notice));
        Assert.Empty(rig.Service.For(phone, "after-quiet-hours"));

        rig.Web.Clock.Advance(TimeSpan.FromHours(2));
        await rig.DeliverAsync();
        await Eventually.TrueAsync(() => rig.Service.For(phone, "after-quiet-hours").Count == 1, because: "its time came");
        Assert.True(await rig.SentAsync(notice));
    }

    [Fact]
    public async Task Passes_running_at_once_send_a_notice_once_to_each_device()
    {
        using var phone = rig.Service.Subscribe();
        using var laptop = rig.Service.Subscribe();
        await rig.SubscribeAsync("julien.peeters", phone, laptop);

        await rig.QueueAsync("julien.peeters", "raced");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(rig.DeliverAsync)));

        await Eventually.TrueAsync(() => rig.Service.For(phone, "raced").Count == 1 && rig.Service.For(laptop, "raced").Count == 1,
            because: "each device gets the notice");
        await Task.WhenAll(rig.DeliverAsync(), rig.DeliverAsync());
        Assert.Single(rig.Service.For(phone, "raced"));
        Assert.Single(rig.Service.For(laptop, "raced"));
        Assert.Equal(1, rig.Service.Attempts[phone.Endpoint.AbsolutePath]);
        Assert.Equal(1, rig.Service.Attempts[laptop.Endpoint.AbsolutePath]);
    }

    [Fact]
    public async Task A_user_without_a_device_has_the_notice_done_with_nothing_sent()
    {
        var notice = await rig.QueueAsync("karim.benali", "nobody");
        await rig.DeliverAsync();

        Assert.True(await rig.SentAsync(notice));
        Assert.Equal(0, await rig.WaitingDeliveriesAsync(notice));
        Assert.DoesNotContain(rig.Service.Received, push => push.Tag == "nobody");
    }

    [Fact]
    public async Task A_notice_older_than_a_day_is_dropped_not_sent()
    {
        using var phone = rig.Service.Subscribe();
        await rig.SubscribeAsync("claire.dupont", phone);

        var dayAgo = rig.Web.Clock.GetUtcNow().AddHours(-25);
        var notice = await rig.QueueAsync("claire.dupont", "stale", sendAfter: dayAgo, queuedAt: dayAgo);
        await rig.DeliverAsync();

        Assert.True(await rig.SentAsync(notice));
        Assert.Equal(0, await rig.WaitingDeliveriesAsync(notice));
        Assert.Empty(rig.Service.For(phone, "stale"));
    }
}