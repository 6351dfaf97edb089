using ItSchool.Mail;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Management;

/// <summary>
/// "Courriels": the school's outbox and each mail's state. Without an SMTP server mail stays here; in demo
/// mode the manager opens it to follow an invitation link (the way a newcomer walks through the demo), while
/// in production the tokens it carries are shown to nobody.
/// </summary>
public static class OutboxPages
{
    public static void MapOutboxPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/courriels", async (HttpContext context, Outbox outbox, IOptions<SmtpSettings> smtp, InstallationSettings installation) =>
            new RazorComponentResult<OutboxPage>(new
            {
                Mails = await outbox.ListAsync(context.School()!.Id, cancellationToken: context.RequestAborted),
                SmtpConfigured = smtp.Value.IsConfigured,
                ShowsTokens = ShowsTokens(installation, smtp.Value),
            }));

        manager.MapGet("/courriels/{id:guid}", async (Guid id, HttpContext context, Outbox outbox, IOptions<SmtpSettings> smtp,
            InstallationSettings installation) =>
        {
            if (await outbox.FindAsync(context.School()!.Id, id, context.RequestAborted) is not { } mail)
            {
                return (IResult)Results.NotFound();
            }
            var showsTokens = ShowsTokens(installation, smtp.Value);
            return new RazorComponentResult<MailPage>(new
            {
                Mail = showsTokens ? mail : mail with { Secret = null },
                SmtpConfigured = smtp.Value.IsConfigured,
                ShowsTokens = showsTokens,
            });
        });
    }

    /// <summary>
    /// A token is the recipient's alone: with it, the manager could sign in as the parent. Only the demo, with
    /// no mail server, shows it here, so that a newcomer can follow an invitation without a mailbox.
    /// </summary>
    static bool ShowsTokens(InstallationSettings installation, SmtpSettings smtp) => installation.Demo && !smtp.IsConfigured;

    public enum MailStatus
    {
        Pending,
        Sent,
        Failed,
    }

    public static MailStatus StatusOf(OutboxEntry mail) =>
        mail.SentAt is not null ? MailStatus.Sent
        : mail.LastError is not null ? MailStatus.Failed
        : MailStatus.Pending;
}