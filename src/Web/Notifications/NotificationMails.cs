using System.Net;
using ItSchool.Mail;
using ItSchool.Notifications;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Notifications;

/// <summary>
/// Makes a sender's mail a <see cref="Notification"/>: it adds the footer every non-essential mail carries (why it came, the
/// one-click unsubscribe link for its kind, the preferences page), in the current culture, which the sender set to the
/// recipient's.
/// </summary>
public sealed class NotificationMails(IStringLocalizer<NotificationText> T)
{
    public Notification For(NotificationKind kind, Guid userId, OutgoingMail mail, string home, string url, string summary, string? tag = null)
    {
        var (what, settings) = (T[$"Kind.{kind}"].Value, $"{home}/{NotificationPages.Root}");
        var text = T["Mail.FooterText", what, Notification.UnsubscribePlaceholder, settings].Value;
        var html = $"""<p style="color:#666;font-size:small">{WebUtility.HtmlEncode(T["Mail.FooterWhy", what].Value)} """
            + $"""<a href="{Notification.UnsubscribePlaceholder}">{WebUtility.HtmlEncode(T["Mail.FooterStop"].Value)}</a> · """
            + $"""<a href="{WebUtility.HtmlEncode(settings)}">{WebUtility.HtmlEncode(T["Mail.FooterSettings"].Value)}</a></p>""";
        return new Notification(kind, userId, mail with { TextBody = mail.TextBody + "\n\n-- \n" + text, HtmlBody = mail.HtmlBody + html },
            home, url, summary, tag);
    }
}