using System.Net;
using ItSchool.Mail;
using ItSchool.Meals;
using ItSchool.Notifications;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>
/// Checks every few minutes, on every node, whether a school's "nothing booked next week" reminders are due
/// (<see cref="MealReminders"/>): each goes once per guardian, pupil and week, whoever runs it and however often.
/// Only schools with the Meals module on, rules and a menu that week.
/// </summary>
public sealed class MealReminderJob(MealReminders reminders, MealReminderLinks links, SchoolDirectory schools, LanguageDirectory languages, IGrainFactory grains,
    SchoolAddresses addresses, NotificationMails notifications, TimeProvider clock, IStringLocalizer<MealNoticeText> T, ILogger<MealReminderJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = Clock.GetUtcNow();
        var sent = 0;
        foreach (var (schoolId, rules) in await reminders.SchoolsAsync(cancellationToken))
        {
            if (await reminders.WeekDueAsync(schoolId, rules, now, cancellationToken) is not { } week
                || !(await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync()).Contains(SchoolModule.Meals)
                || await schools.FindByIdAsync(schoolId, cancellationToken) is not { Suspended: false } school)
            {
                continue;
            }
            var home = addresses.Of(school);
            var readers = await languages.RecipientsAsync(schoolId, cancellationToken);
            sent += await reminders.SendAsync(schoolId, rules, week, now, reminder => Compose(reminder, home, readers), cancellationToken);
        }
        return sent;
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await RunOnceAsync(cancellationToken) is > 0 and var sent)
        {
            Logger.LogInformation("Queued {Count} meal booking reminders", sent);
        }
    }

    Notification Compose(MealReminder reminder, string home, RecipientLanguages readers)
    {
        using var language = Cultures.Use(readers.OfUser(reminder.SchoolId, reminder.GuardianId));
        var week = SchoolTime.Date(reminder.Week);
        var subject = T["Reminder.Subject", reminder.PupilFirstName, week].Value;
        var optOut = $"{home}/repas/rappels?jeton={Uri.EscapeDataString(links.For(reminder.SchoolId, reminder.GuardianId))}";
        var text = T["Reminder.Body", reminder.GuardianName, reminder.PupilFirstName, week, $"{home}/repas", reminder.SchoolName].Value
            + "\n\n" + T["Reminder.OptOut", optOut].Value;
        var html = string.Join("", T["Reminder.Body", reminder.GuardianName, reminder.PupilFirstName, week, $"{home}/repas", reminder.SchoolName].Value
            .Split('\n').Select(line => $"<p>{Linked(line, $"{home}/repas")}</p>"))
            + $"<p class=\"muted\">{Linked(T["Reminder.OptOut", optOut].Value, optOut)}</p>";
        return notifications.For(NotificationKind.Meals, reminder.GuardianId,
            new OutgoingMail(reminder.SchoolId, reminder.Address, reminder.GuardianName, subject, text, html), home, $"{home}/repas", "",
            $"meals-{reminder.PupilId:N}-{reminder.Week:yyyyMMdd}");
    }

    /// <summary>The line, encoded, with its address made a link.</summary>
    static string Linked(string line, string address)
    {
        var encoded = WebUtility.HtmlEncode(line);
        var target = WebUtility.HtmlEncode(address);
        return encoded.Replace(target, $"<a href=\"{target}\">{target}</a>", StringComparison.Ordinal);
    }
}