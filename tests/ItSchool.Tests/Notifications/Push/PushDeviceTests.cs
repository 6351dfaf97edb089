using System.Net;
using ItSchool.Notifications.Push;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>The device setting's endpoints: one row per device, kept by the user who last subscribed it, removed only by its owner.</summary>
public sealed class PushDeviceTests(PushRig rig) : IClassFixture<PushRig>
{
    [Fact]
    public async Task A_device_subscribed_twice_is_listed_once_and_one_taken_over_by_another_user_leaves_the_first()
    {
        using var tablet = rig.Service.Subscribe();
        var marc = await rig.SubscribeAsync("marc.dubois", tablet, tablet);
        Assert.Equal(1, await rig.DevicesOfAsync(tablet));
        Assert.Contains(tablet.Endpoint.ToString(), WebUtility.HtmlDecode(await marc.GetStringAsync(PushRig.DevicesPage)));

        var amelie = await rig.SubscribeAsync("amelie.lefevre", tablet);

        Assert.Equal(1, await rig.DevicesOfAsync(tablet));
        Assert.Equal(await rig.UserIdAsync("amelie.lefevre"), await rig.ScalarAsync<Guid>(
            "SELECT user_id FROM push_subscriptions WHERE endpoint = @value", tablet.Endpoint.ToString()));
        Assert.DoesNotContain(tablet.Endpoint.ToString(), WebUtility.HtmlDecode(await marc.GetStringAsync(PushRig.DevicesPage)));
        Assert.Contains(tablet.Endpoint.ToString(), WebUtility.HtmlDecode(await amelie.GetStringAsync(PushRig.DevicesPage)));

        // What was queued for Marc does not reach the tablet that is Amélie's now.
        await rig.QueueAsync("marc.dubois", "not-for-amelie");
        await rig.QueueAsync("amelie.lefevre", "for-amelie");
        await rig.DeliverAsync();
        await Eventually.TrueAsync(() => rig.Service.For(tablet, "for-amelie").Count == 1);
        Assert.Empty(rig.Service.For(tablet, "not-for-amelie"));
    }

    [Fact]
    public async Task Past_the_limit_of_devices_a_new_one_replaces_the_oldest()
    {
        var devices = Enumerable.Range(0, PushSubscriptions.MaxDevicesPerUser + 1).Select(_ => rig.Service.Subscribe()).ToArray();
        try
        {
            await rig.SubscribeAsync("julien.peeters", devices);

            Assert.Equal(0, await rig.DevicesOfAsync(devices[0]));
            foreach (var kept in devices.Skip(1))
            {
                Assert.Equal(1, await rig.DevicesOfAsync(kept));
            }
        }
        finally
        {
            foreach (var device in devices)
            {
                device.Dispose();
            }
        }
    }

    [Fact]
    public async Task Turning_off_this_device_removes_it_from_the_list()
    {
        using var phone = rig.Service.Subscribe();
        var client = await rig.SubscribeAsync("pierre.lefevre", phone);

        var list = await Forms.HtmxPostAsync(client, PushRig.DevicesPage, $"{PushRig.DevicesPage}/cet-appareil/retirer",
            ("Endpoint", phone.Endpoint.ToString()));

        Assert.Contains("Cet appareil ne recevra plus de notifications.", list);
        Assert.DoesNotContain(phone.Endpoint.ToString(), list);
        Assert.Equal(0, await rig.DevicesOfAsync(phone));
    }

    [Fact]
    public async Task Another_users_device_cannot_be_removed_and_ones_own_can()
    {
        using var phone = rig.Service.Subscribe();
        var owner = await rig.SubscribeAsync("sophie.martin", phone);
        var id = await rig.ScalarAsync<Guid>("SELECT id FROM push_subscriptions WHERE endpoint = @value", phone.Endpoint.ToString());

        var stranger = await SignedIn.AsAsync(rig.Web, "julien.peeters");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{PushRig.DevicesPage}/{id}/retirer");
        request.Headers.Add("RequestVerificationToken", Forms.AntiforgeryToken(await stranger.GetStringAsync(PushRig.DevicesPage)));
        request.Headers.Add("HX-Request", "true");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.SendAsync(request)).StatusCode);
        Assert.Equal(1, await rig.DevicesOfAsync(phone));

        var list = await Forms.HtmxPostAsync(owner, PushRig.DevicesPage, $"{PushRig.DevicesPage}/{id}/retirer");
        Assert.Contains("L'appareil a été retiré.", list);
        Assert.Equal(0, await rig.DevicesOfAsync(phone));
    }

    [Fact]
    public async Task A_subscription_without_the_token_or_for_another_school_or_with_broken_keys_is_refused()
    {
        using var phone = rig.Service.Subscribe();
        var client = await SignedIn.AsAsync(rig.Web, "claire.dupont");

        var unsigned = await client.PostAsync(PushRig.DevicesPage, new FormUrlEncodedContent(
            [new("Endpoint", phone.Endpoint.ToString()), new("P256dh", phone.P256dh), new("Auth", phone.Auth)]));
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);

        var elsewhere = await rig.PostSubscriptionAsync(client, phone.Endpoint.ToString(), phone.P256dh, phone.Auth,
            action: "/e/autre-ecole/notifications/appareils");
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.Status);

        var broken = await rig.PostSubscriptionAsync(client, phone.Endpoint.ToString(), phone.Auth, phone.Auth);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.Status);
        Assert.Equal("Ce navigateur a donné des clés de notification illisibles.", broken.Body);
        var offTheCurve = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. new byte[64]]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await rig.PostSubscriptionAsync(client, phone.Endpoint.ToString(), offTheCurve, phone.Auth)).Status);

        Assert.Equal(0, await rig.DevicesOfAsync(phone));
    }

    [Theory]
    [InlineData("nl-BE", "Meldingen op uw toestellen", "Inschakelen op dit toestel")]
    [InlineData("en-BE", "Notifications on your devices", "Turn on for this device")]
    public async Task The_setting_speaks_the_readers_language(string culture, string title, string turnOn)
    {
        var client = await SignedIn.AsAsync(rig.Web, "julien.peeters", culture: culture);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(PushRig.DevicesPage));
        Assert.Contains(title, page);
        Assert.Contains(turnOn, page);
        Assert.DoesNotContain("Activer sur cet appareil", page);
        Assert.DoesNotContain("Notifications sur vos appareils", page);
    }

    [Fact]
    public async Task The_test_button_sends_a_notification_to_each_of_the_users_devices_now()
    {
        using var phone = rig.Service.Subscribe();
        using var laptop = rig.Service.Subscribe();
        var client = await rig.SubscribeAsync("karim.benali", phone, laptop);

        var list = await Forms.HtmxPostAsync(client, PushRig.DevicesPage, $"{PushRig.DevicesPage}/test");

        Assert.Contains("Notification de test envoyée à vos appareils.", list);
        await Eventually.TrueAsync(() => rig.Service.For(phone, "itschool-test").Count == 1 && rig.Service.For(laptop, "itschool-test").Count == 1,
            because: "the node's loop, woken by the button, sends it");
        var push = rig.Service.For(phone, "itschool-test").Single();
        Assert.Equal("Notification de test", push.Payload.GetProperty("title").GetString());
        Assert.Equal("Bonjour Karim, les notifications de l'école arrivent bien sur cet appareil.", push.Payload.GetProperty("body").GetString());
        Assert.Equal("notifications/appareils", push.Payload.GetProperty("url").GetString());
    }
}