using System.Text.Json;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>
/// The device setting in Chromium. Headless Chromium has no push service: the page's <c>PushManager</c> is replaced by
/// one that answers a subscription at the local push service, with the test's keys, so that everything from the click to
/// the decrypted message is the real code. The worker's own push handler is fed through DevTools, as a push service would.
/// </summary>
public sealed class PushBrowserTests(PushRig rig, Chromium chromium) : IClassFixture<PushRig>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_turns_notifications_on_sees_the_device_listed_gets_the_test_push_and_turns_them_off()
    {
        using var subscriber = rig.Service.Subscribe();
        var page = await chromium.SignInToDashboardAsync(rig.Web, "marc.dubois");
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = rig.Web.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await page.Context.AddInitScriptAsync(FakePushManager(subscriber));

        await page.Locator(".user-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Mes notifications" }).ClickAsync();
        await page.WaitForAsync("**/notifications");
        await Assertions.Expect(page.GetByText("Aucun appareil pour l'instant.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Activer sur cet appareil" })).ToBeVisibleAsync();
        Assert.Empty(await page.SeriousViolationsAsync());
        await Screens.SaveAsync(page, "push-devices-off");

        await page.GetByRole(AriaRole.Button, new() { Name = "Activer sur cet appareil" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Les notifications sont activées sur cet appareil.")).ToBeVisibleAsync();
        var device = page.Locator(".push-devices li");
        await Assertions.Expect(device).ToHaveCountAsync(1);
        await Assertions.Expect(device).ToContainTextAsync("Chrome · Linux");
        await Assertions.Expect(device.GetByText("cet appareil", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(rig.Service.ExpectedKey, await page.EvaluateAsync<string>("() => window.subscribedWithKey"));
        Assert.Equal(1, await rig.DevicesOfAsync(subscriber));
        Assert.Empty(await page.SeriousViolationsAsync());
        await Screens.SaveAsync(page, "push-devices");

        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer une notification de test" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Notification de test envoyée à vos appareils.")).ToBeVisibleAsync();
        await Eventually.TrueAsync(() => rig.Service.For(subscriber, "itschool-test").Count == 1, because:
            $"the test push reaches the push service (attempts {rig.Service.Attempts.GetValueOrDefault(subscriber.Endpoint.AbsolutePath)}, " +
            $"refused: {string.Join(" | ", rig.Service.Refusals)})");

        await page.GetByRole(AriaRole.Button, new() { Name = "Désactiver sur cet appareil" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Cet appareil ne recevra plus de notifications.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Aucun appareil pour l'instant.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Activer sur cet appareil" })).ToBeVisibleAsync();
        Assert.Equal(0, await rig.DevicesOfAsync(subscriber));
    }

    [Fact]
    public async Task The_schools_worker_shows_a_pushed_notice_with_its_tag_icon_and_page()
    {
        var page = await chromium.SignInToDashboardAsync(rig.Web, "sophie.martin");
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = rig.Web.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");

        var devTools = await page.Context.NewCDPSessionAsync(page);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        devTools.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
        {
            foreach (var entry in update!.Value.GetProperty("registrations").EnumerateArray())
            {
                if (entry.GetProperty("scopeURL").GetString() == rig.Web.DemoSchool.ToString() && !entry.GetProperty("isDeleted").GetBoolean())
                {
                    registration.TrySetResult(entry.GetProperty("registrationId").GetString()!);
                }
            }
        };
        await devTools.SendAsync("ServiceWorker.enable");
        await devTools.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = rig.Web.BaseAddress.GetLeftPart(UriPartial.Authority),
            ["registrationId"] = await registration.Task.WaitAsync(TimeSpan.FromSeconds(30))
                .ContinueWith(found => found.IsCompletedSuccessfully ? found.Result
                    : throw new TimeoutException($"DevTools reported no worker registration for {rig.Web.DemoSchool}")),
            ["data"] = """{"title":"Solde bas","body":"Le portefeuille de Lucas est sous 5,00 €.","url":"finances/soldes","tag":"balance-lucas"}""",
        });

        var shown = JsonDocument.Parse("[]").RootElement;
        await Eventually.TrueAsync(async () =>
        {
            shown = await page.EvaluateAsync<JsonElement>("""
                () => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(n =>
                    ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, url: n.data.url })))
                """);
            return shown.GetArrayLength() == 1;
        }, because: "the worker shows the notification");
        var notification = shown[0];
        Assert.Equal("Solde bas", notification.GetProperty("title").GetString());
        Assert.Equal("Le portefeuille de Lucas est sous 5,00 €.", notification.GetProperty("body").GetString());
        Assert.Equal("balance-lucas", notification.GetProperty("tag").GetString());
        Assert.Equal(new Uri(rig.Web.DemoSchool, "icons/icon-192.png").ToString(), notification.GetProperty("icon").GetString());
        Assert.Equal(new Uri(rig.Web.DemoSchool, "finances/soldes").ToString(), notification.GetProperty("url").GetString());
    }

    /// <summary>A PushManager whose subscription is the local push service's, as a browser's would be its vendor's.</summary>
    static string FakePushManager(PushSubscriber subscriber) => $$"""
        (() => {
          const given = {{JsonSerializer.Serialize(new { endpoint = subscriber.Endpoint.ToString(), p256dh = subscriber.P256dh, auth = subscriber.Auth })}};
          let current = null;
          const base64url = bytes => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          PushManager.prototype.subscribe = function (options) {
            if (!options.userVisibleOnly) {
              return Promise.reject(new DOMException("userVisibleOnly is required", "NotAllowedError"));
            }
            const key = new Uint8Array(options.applicationServerKey);
            window.subscribedWithKey = base64url(key);
            current = {
              endpoint: given.endpoint,
              options: { userVisibleOnly: true, applicationServerKey: key.slice().buffer },
              toJSON: () => ({ endpoint: given.endpoint, expirationTime: null, keys: { p256dh: given.p256dh, auth: given.auth } }),
              unsubscribe: () => { current = null; return Promise.resolve(true); },
            };
            return Promise.resolve(current);
          };
          PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
        })();
        """;
}