using System.Text.Encodings.Web;
using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Documents;

/// <summary>"Relancer": the reminder to each guardian who has not opened a document, in that guardian's language, through the outbox.</summary>
public sealed class DocumentReminderMails(DocumentStore store, LanguageDirectory languages, NotificationMails notifications, TimeProvider clock,
    IStringLocalizer<DocumentText> T)
{
    public async Task<ReminderOutcome?> SendAsync(HttpContext context, Guid documentId, SignedInUser sender, TimeSpan window)
    {
        var school = context.School()!;
        if (await store.FindAsync(school.Id, documentId, context.RequestAborted) is not { } document)
        {
            return null;
        }
        var readers = await languages.RecipientsAsync(school.Id, context.RequestAborted);
        var link = $"{context.SchoolUrl()}/documents";
        var html = HtmlEncoder.Default;
        return await store.RemindAsync(school.Id, documentId, sender.DisplayName, clock.GetUtcNow(), window, guardian =>
        {
            using var language = Cultures.Use(readers.OfUser(school.Id, guardian.Id));
            List<string> paragraphs = [T["Mail.Greeting", guardian.FirstName], T["Mail.Body", document.Title, guardian.PupilFirstName],
                T["Mail.Link", link], T["Mail.Signature", school.Name]];
            return notifications.For(NotificationKind.NewDocument, guardian.Id, new OutgoingMail(school.Id, guardian.Email, guardian.DisplayName,
                T["Mail.Subject", document.Title], string.Join("\n\n", paragraphs), string.Concat(paragraphs.Select(p => $"<p>{html.Encode(p)}</p>"))),
                context.SchoolUrl(), link, T["Mail.Body", document.Title, guardian.PupilFirstName], $"document-{document.Id:N}");
        }, context.RequestAborted);
    }
}