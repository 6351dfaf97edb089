using System.Globalization;
using ItSchool.Notifications;
using ItSchool.Notifications.Push;
using ItSchool.Web.Notifications.Push;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Notifications;

/// <summary>
/// A user's notification preferences (<c>/notifications</c>): per kind, the e-mail at once, in the daily digest or off, and the
/// push; the quiet hours; the digest's hour. Anything unreadable in the form refuses the whole form and saves nothing.
/// </summary>
public static class NotificationPages
{
    public const string Root = "notifications";

    /// <summary>What the page shows: the settings, or what was typed when they were refused and why.</summary>
    public sealed record Form(NotificationSettings Settings, bool QuietOn, string QuietStart, string QuietEnd, string? Problem)
    {
        public static Form Of(NotificationSettings settings) => new(settings, settings.Quiet is not null,
            Time(settings.Quiet?.Start ?? new TimeOnly(21, 0)), Time(settings.Quiet?.End ?? new TimeOnly(7, 0)), null);
    }

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static void MapNotificationPreferences(this RouteGroupBuilder school)
    {
        var page = school.MapGroup("/" + Root).RequireAuthorization();

        page.MapGet("", async (HttpContext context, NotificationPreferences preferences, PushSubscriptions subscriptions, VapidKeys keys) =>
            await PageAsync(context, subscriptions, keys, Form.Of(await preferences.ReadAsync(SignedInUser.From(context.User)!.Id, context.RequestAborted))));

        page.MapPost("", async (HttpContext context, NotificationPreferences preferences, PushSubscriptions subscriptions, VapidKeys keys, TimeProvider clock) =>
        {
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var kinds = NotificationKinds.All.ToDictionary(kind => kind, kind => new KindChoice(
                posted[$"Email.{kind.Code()}"].ToString() switch { "digest" => EmailChoice.Digest, "off" => EmailChoice.Off, _ => EmailChoice.Immediate },
                posted[$"Push.{kind.Code()}"] == "on"));
            var quietOn = posted["Quiet"] == "on";
            var (start, end) = (posted["QuietStart"].ToString().Trim(), posted["QuietEnd"].ToString().Trim());
            var digestParsed = TryTime(posted["DigestAt"], out var digestAt);
            QuietHours? quiet = null;
            string? problem = null;
            if (!digestParsed)
            {
                problem = "Problem.DigestAt";
            }
            else if (quietOn)
            {
                if (!TryTime(start, out var from) || !TryTime(end, out var to))
                {
                    problem = "Problem.QuietTime";
                }
                else if (from == to)
                {
                    problem = "Problem.QuietSame";
                }
                else
                {
                    quiet = new QuietHours(from, to);
                }
            }
            var settings = new NotificationSettings(kinds, quiet, digestParsed ? digestAt : NotificationSettings.DefaultDigestAt);
            if (problem is not null)
            {
                return await PageAsync(context, subscriptions, keys, new Form(settings, quietOn, start, end, problem));
            }
            await preferences.SaveAsync(SignedInUser.From(context.User)!.Id, settings, clock.GetUtcNow(), context.RequestAborted);
            return Flash.Redirect(context, Root, "saved");
        });
    }

    /// <summary>The preferences with this device's push setting (the user's devices and the key a subscription is bound to).</summary>
    static async Task<IResult> PageAsync(HttpContext context, PushSubscriptions subscriptions, VapidKeys keys, Form form) =>
        new RazorComponentResult<NotificationsPage>(new { Form = form, Push = await PushDevices.SettingAsync(context, subscriptions, keys) });

    /// <summary>A wall-clock time as a time field sends it (07:00, or 07:00:00).</summary>
    static bool TryTime(string? typed, out TimeOnly time) =>
        TimeOnly.TryParseExact(typed?.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}