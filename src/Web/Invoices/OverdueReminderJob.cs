using System.Net;
using ItSchool.Invoices;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Invoices;

/// <summary>
/// Runs the overdue reminders shortly after start and then every <see cref="Interval"/>, on one node of the
/// cluster at a time (<see cref="JobLeases"/>: each pass reads every school's unpaid invoices). Two passes at once
/// would still be safe by the row: <see cref="OverdueReminders"/> records each step it sends in the same
/// transaction that queues its mail, so each step goes once, whoever runs it and however often.
/// </summary>
public sealed class OverdueReminderJob(OverdueReminders reminders, LanguageDirectory languages, SchoolDirectory schools, SchoolAddresses addresses,
    NotificationMails notifications, JobLeases leases, TimeProvider clock, IStringLocalizer<InvoiceText> T, ILogger<OverdueReminderJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override JobLeases ClusterLease => leases;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(15);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var readers = await languages.RecipientsAsync(cancellationToken: cancellationToken);
        var homes = await HomesAsync(cancellationToken);
        return await reminders.SendDueAsync(InvoiceStates.Today(Clock), Clock.GetUtcNow(), (reminder, to) => Compose(reminder, to, readers, homes),
            cancellationToken);
    }

    /// <summary>A manager's "Envoyer un rappel": the same mail, now, once per invoice for the click's key (see <see cref="OverdueReminders.SendNowAsync"/>).</summary>
    public async Task<IReadOnlyList<Guid>?> SendNowAsync(Guid schoolId, IReadOnlyCollection<Guid> invoiceIds, string requestKey, string sentBy,
        CancellationToken cancellationToken = default)
    {
        var readers = await languages.RecipientsAsync(schoolId, cancellationToken);
        var homes = await HomesAsync(cancellationToken);
        return await reminders.SendNowAsync(schoolId, invoiceIds, requestKey, sentBy, Clock.GetUtcNow(), (reminder, to) => Compose(reminder, to, readers, homes),
            cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await RunOnceAsync(cancellationToken) is > 0 and var sent)
        {
            Logger.LogInformation("Queued {Count} overdue invoice reminders", sent);
        }
    }

    /// <summary>Each school's address, for the links of the mails.</summary>
    async Task<IReadOnlyDictionary<Guid, string>> HomesAsync(CancellationToken cancellationToken) =>
        (await schools.ListAsync(cancellationToken)).ToDictionary(school => school.Id, addresses.Of);

    /// <summary>In the recipient's language.</summary>
    Notification Compose(DueReminder reminder, ReminderRecipient to, RecipientLanguages readers, IReadOnlyDictionary<Guid, string> homes)
    {
        using var language = Cultures.Use(readers.OfUser(reminder.SchoolId, to.UserId));
        var subject = T["Reminder.Subject", reminder.Number, reminder.PupilName].Value;
        // A manager may remind before the due date: the mail then says when it is due, not that it was.
        var body = reminder.DueOn < InvoiceStates.Today(Clock) ? "Reminder.Body" : "Reminder.BodyBeforeDue";
        var text = T[body, to.Name, reminder.Label, reminder.Number, reminder.PupilName, reminder.DueOn.ToString("dd/MM/yyyy"),
            Money.Format(reminder.RemainingCents), reminder.Communication.ToString(), reminder.SchoolName].Value;
        var html = string.Join("", text.Split('\n').Select(line => $"<p>{WebUtility.HtmlEncode(line)}</p>"));
        var home = homes.GetValueOrDefault(reminder.SchoolId, "");
        return notifications.For(NotificationKind.InvoiceReminder, to.UserId, new OutgoingMail(reminder.SchoolId, to.Address, to.Name, subject, text, html),
            home, $"{home}/finances/factures", "", $"invoice-{reminder.InvoiceId:N}");
    }
}