using System.Net;
using ItSchool.Invoices;
using ItSchool.Mail;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Invoices;

/// <summary>
/// Runs the overdue reminders shortly after start and then every <see cref="Interval"/>. Every node runs it,
/// and that is safe by the row: <see cref="OverdueReminders"/> records each step it sends in the same
/// transaction that queues its mail, so each step goes once, whoever runs it and however often.
/// </summary>
public sealed class OverdueReminderJob(OverdueReminders reminders, LanguageDirectory languages, TimeProvider clock, IStringLocalizer<InvoiceText> T,
    ILogger<OverdueReminderJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(15);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var readers = await languages.RecipientsAsync(cancellationToken: cancellationToken);
        return await reminders.SendDueAsync(InvoiceStates.Today(Clock), Clock.GetUtcNow(), (reminder, to) => Compose(reminder, to, readers), cancellationToken);
    }

    /// <summary>A manager's "Envoyer un rappel": the same mail, now, once per invoice for the click's key (see <see cref="OverdueReminders.SendNowAsync"/>).</summary>
    public async Task<IReadOnlyList<Guid>?> SendNowAsync(Guid schoolId, IReadOnlyCollection<Guid> invoiceIds, string requestKey, string sentBy,
        CancellationToken cancellationToken = default)
    {
        var readers = await languages.RecipientsAsync(schoolId, cancellationToken);
        return await reminders.SendNowAsync(schoolId, invoiceIds, requestKey, sentBy, Clock.GetUtcNow(), (reminder, to) => Compose(reminder, to, readers),
            cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await RunOnceAsync(cancellationToken) is > 0 and var sent)
        {
            Logger.LogInformation("Queued {Count} overdue invoice reminders", sent);
        }
    }

    /// <summary>In the recipient's language: the mail knows them by address (see <see cref="RecipientLanguages.OfAddress"/>).</summary>
    OutgoingMail Compose(DueReminder reminder, ReminderRecipient to, RecipientLanguages readers)
    {
        using var language = Cultures.Use(readers.OfAddress(reminder.SchoolId, to.Address));
        var subject = T["Reminder.Subject", reminder.Number, reminder.PupilName].Value;
        // A manager may remind before the due date: the mail then says when it is due, not that it was.
        var body = reminder.DueOn < InvoiceStates.Today(Clock) ? "Reminder.Body" : "Reminder.BodyBeforeDue";
        var text = T[body, to.Name, reminder.Label, reminder.Number, reminder.PupilName, reminder.DueOn.ToString("dd/MM/yyyy"),
            Money.Format(reminder.RemainingCents), reminder.Communication.ToString(), reminder.SchoolName].Value;
        var html = string.Join("", text.Split('\n').Select(line => $"<p>{WebUtility.HtmlEncode(line)}</p>"));
        return new OutgoingMail(reminder.SchoolId, to.Address, to.Name, subject, text, html);
    }
}