using ItSchool.Mail;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Management;

/// <summary>
/// "Courriels": the school's outbox. Without an SMTP server (the single-node default) mail stays here, and
/// the manager opens it to follow an invitation link — the way a newcomer walks through the demo.
/// </summary>
public static class OutboxPages
{
    public static void MapOutboxPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/courriels", async (HttpContext context, Outbox outbox, IOptions<SmtpSettings> smtp) =>
            new RazorComponentResult<OutboxPage>(new
            {
                Mails = await outbox.ListAsync(context.School()!.Id, cancellationToken: context.RequestAborted),
                SmtpConfigured = smtp.Value.IsConfigured,
            }));

        manager.MapGet("/courriels/{id:guid}", async (Guid id, HttpContext context, Outbox outbox, IOptions<SmtpSettings> smtp) =>
        {
            if (await outbox.FindAsync(context.School()!.Id, id, context.RequestAborted) is not { } mail)
            {
                return (IResult)Results.NotFound();
            }
            // With a real mail server the token is the recipient's alone: the manager sees the mail without it.
            return new RazorComponentResult<MailPage>(new
            {
                Mail = smtp.Value.IsConfigured ? mail with { Secret = null } : mail,
                SmtpConfigured = smtp.Value.IsConfigured,
            });
        });
    }

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