using System.Net;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Notifications;

/// <summary>
/// Every half minute, on every node, tells families what <see cref="FamilyNews"/> finds new (an invoice issued, a document
/// sent, an order placed, an absence to justify): a notification per guardian, in their language, routed by their
/// preferences; each thing is told once, whoever runs the pass.
/// </summary>
public sealed class FamilyNewsMails(FamilyNews news, SchoolDirectory schools, SchoolAddresses addresses, LanguageDirectory languages,
    NotificationMails notifications, IStringLocalizer<NotificationText> N, TimeProvider clock, ILogger<FamilyNewsMails> logger) : PeriodicJob(clock, logger)
{
    // A fresh demo's seeding marks its data told (NotificationsFeature.SeedDemoAsync) before the first pass.
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(30);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await RunOnceAsync(cancellationToken) > 0)
        {
        }
    }

    /// <summary>One pass; how many things it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = Clock.GetUtcNow();
        var known = (await schools.ListAsync(cancellationToken)).ToDictionary(school => school.Id);
        var readers = await languages.RecipientsAsync(cancellationToken: cancellationToken);
        return await news.TellAsync(now, SchoolTime.Day(now), item =>
            known.TryGetValue(item.SchoolId, out var school) ? Compose(item, school, readers.OfUser(item.SchoolId, item.GuardianId)) : null, cancellationToken);
    }

    Notification Compose(FamilyNewsItem item, School school, System.Globalization.CultureInfo language)
    {
        using var culture = Cultures.Use(language);
        var home = addresses.Of(school);
        var amount = item.AmountCents is { } cents ? Money.Format(cents) : "";
        var (kind, page, subject, body) = item.Source switch
        {
            NewsSource.Invoice => (NotificationKind.NewInvoice, "finances/factures", N["News.Invoice.Subject", item.Pupils, amount],
                N["News.Invoice.Body", item.Title, item.Pupils, amount, Date(item.DueOn)]),
            NewsSource.Document => (NotificationKind.NewDocument, "documents", N["News.Document.Subject", item.Title],
                N["News.Document.Body", item.Title, item.Pupils]),
            NewsSource.Order => (NotificationKind.OrderConfirmation, "commandes", N["News.Order.Subject", item.Title, item.Pupils],
                N[item.Part == "invoice" ? "News.Order.BodyInvoice" : "News.Order.BodyWallet", item.Title, item.Pupils, amount]),
            _ => (NotificationKind.AbsenceToJustify, "absences", N["News.Absence.Subject", item.Pupils, Date(item.Day)],
                N["News.Absence.Body", item.Pupils, Date(item.Day), N[$"News.Part.{item.Part}"], Date(item.DueOn)]),
        };
        var link = $"{home}/{page}";
        List<string> paragraphs = [N["News.Greeting", item.GuardianName], body, N["News.Link", link], school.Name];
        var mail = new OutgoingMail(item.SchoolId, item.Address, item.GuardianName, subject, string.Join("\n\n", paragraphs),
            string.Concat(paragraphs.Select(p => $"<p>{Linked(p, link)}</p>")));
        return notifications.For(kind, item.GuardianId, mail, home, link, body, $"{item.Source.ToString().ToLowerInvariant()}-{item.SubjectId:N}");
    }

    static string Date(DateOnly? day) => day is { } d ? SchoolTime.Date(d) : "";

    static string Linked(string line, string address)
    {
        var target = WebUtility.HtmlEncode(address);
        return WebUtility.HtmlEncode(line).Replace(target, $"<a href=\"{target}\">{target}</a>", StringComparison.Ordinal);
    }
}