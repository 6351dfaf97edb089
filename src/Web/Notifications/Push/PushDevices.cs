using ItSchool.Notifications;
using ItSchool.Notifications.Push;
using ItSchool.Web.Accounts;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Notifications.Push;

/// <summary>
/// A user's devices that receive notifications (<c>/notifications/appareils</c>): push.js subscribes this browser through
/// the school's service worker and posts the subscription here; the list removes any of the user's own devices; the test
/// button queues a notice to all of them now. Every answer after a change is the list again (<see cref="PushDeviceList"/>).
/// </summary>
public static class PushDevices
{
    public const string Path = "notifications/appareils";

    public sealed record Services(PushSubscriptions Subscriptions, VapidKeys Keys, IStringLocalizer<PushText> T);

    public static void MapPushDevices(this RouteGroupBuilder school)
    {
        var devices = school.MapGroup($"/{Path}").RequireAuthorization();

        devices.MapGet("", async (HttpContext context, [AsParameters] Services services) =>
            new RazorComponentResult<PushDevicesPage>(new { Setting = await SettingAsync(context, services.Subscriptions, services.Keys) }));

        devices.MapPost("", async (HttpContext context, [AsParameters] Services services, [FromForm] SubscriptionForm form) =>
        {
            var user = SignedInUser.From(context.User)!;
            var device = DeviceNames.Describe(context.Request.Headers.UserAgent);
            if (await services.Subscriptions.SaveAsync(user.SchoolId, user.Id, form.Endpoint, form.P256dh, form.Auth, device,
                    context.RequestAborted) is { } refusal)
            {
                // A browser that behaves never gets here: the words are for the odd one (an http endpoint, a broken key).
                return Results.Text(services.T[$"Refused.{refusal}"].Value, "text/plain", System.Text.Encoding.UTF8, StatusCodes.Status422UnprocessableEntity);
            }
            // The setting itself says the device is on now (push.js): the list needs no second word for it.
            return await ListAsync(context, services.Subscriptions, null);
        });

        devices.MapPost("/cet-appareil/retirer", async (HttpContext context, [AsParameters] Services services, [FromForm] SubscriptionForm form) =>
        {
            var user = SignedInUser.From(context.User)!;
            // The browser has already unsubscribed: a row that was gone already is no error.
            await services.Subscriptions.RemoveEndpointAsync(user.SchoolId, user.Id, form.Endpoint ?? "", context.RequestAborted);
            return await ListAsync(context, services.Subscriptions, "Status.TurnedOff");
        });

        devices.MapPost("/{id:guid}/retirer", async (HttpContext context, Guid id, [AsParameters] Services services) =>
        {
            var user = SignedInUser.From(context.User)!;
            return await services.Subscriptions.RemoveAsync(user.SchoolId, user.Id, id, context.RequestAborted)
                ? await ListAsync(context, services.Subscriptions, "Status.Removed")
                : Results.NotFound();
        });

        devices.MapPost("/test", async (HttpContext context, PushSubscriptions subscriptions, PushDeliveries deliveries, PushDelivery delivery,
            IStringLocalizer<PushText> T, TimeProvider clock) =>
        {
            var user = SignedInUser.From(context.User)!;
            var notice = new PushNotice(user.SchoolId, user.Id, T["Test.Title"], T["Test.Body", user.FirstName], Path, "itschool-test");
            await deliveries.QueueNowAsync(notice, context.RequestAborted);
            delivery.NoticeQueued();
            return await ListAsync(context, subscriptions, "Status.TestSent");
        }).RequireRateLimiting(AccountsFeature.SecretsPolicy);
    }

    /// <summary>What <see cref="PushDeviceSetting"/> shows: the key a subscription is bound to, and the user's devices.</summary>
    public sealed record Setting(string PublicKey, IReadOnlyList<PushDevice> Devices);

    /// <summary>The setting for the signed-in user, for a page that places it (this one, the preferences).</summary>
    public static async Task<Setting> SettingAsync(HttpContext context, PushSubscriptions subscriptions, VapidKeys keys)
    {
        var user = SignedInUser.From(context.User)!;
        return new Setting((await keys.GetAsync()).PublicKey, await subscriptions.ListAsync(user.SchoolId, user.Id, context.RequestAborted));
    }

    static async Task<IResult> ListAsync(HttpContext context, PushSubscriptions subscriptions, string? status)
    {
        var user = SignedInUser.From(context.User)!;
        return new RazorComponentResult<PushDeviceList>(new
        {
            Devices = await subscriptions.ListAsync(user.SchoolId, user.Id, context.RequestAborted),
            Status = status,
        });
    }

    public sealed class SubscriptionForm
    {
        public string? Endpoint { get; set; }
        public string? P256dh { get; set; }
        public string? Auth { get; set; }
    }
}