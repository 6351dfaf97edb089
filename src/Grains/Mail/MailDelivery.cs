using ItSchool.Platform;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItSchool.Mail;

/// <summary>
/// Delivers the outbox through SMTP (MailKit) on every node that has SMTP configured. Once per cluster by
/// the outbox's claims: a pass claims a batch of due mails under a lease (a row each, see
/// <see cref="Outbox.ClaimDueAsync"/>), so two nodes never send the same mail. It runs when this node
/// queues a mail and every few seconds otherwise, so mail queued by another node or due for a retry is
/// picked up too.
/// </summary>
public sealed class MailDelivery(Outbox outbox, IOptions<SmtpSettings> options, TimeProvider clock, ILogger<MailDelivery> logger)
    : PeriodicJob(clock, logger)
{
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected override TimeSpan FirstRunAfter => TimeSpan.Zero;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            Logger.LogInformation("No SMTP server configured (ItSchool:Smtp:Host): mail stays in the outbox");
            return;
        }
        outbox.MailQueued += Wake;
        try
        {
            await base.ExecuteAsync(stoppingToken);
        }
        finally
        {
            outbox.MailQueued -= Wake;
        }
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await DeliverDueAsync(options.Value, cancellationToken) > 0)
        {
        }
    }

    async Task<int> DeliverDueAsync(SmtpSettings settings, CancellationToken cancellationToken)
    {
        var due = await outbox.ClaimDueAsync(batch: 20, Lease, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        using var smtp = new SmtpClient();
        try
        {
            await smtp.ConnectAsync(settings.Host!, settings.Port,
                settings.UseSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await smtp.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning("SMTP server {Host}:{Port} unreachable: {Error}", settings.Host, settings.Port, e.Message);
            foreach (var mail in due)
            {
                await outbox.MarkFailedAsync(mail.Id, mail.Attempts, e.Message, cancellationToken);
            }
            return 0;
        }

        foreach (var mail in due)
        {
            try
            {
                await smtp.SendAsync(ToMime(mail, await outbox.AttachmentsAsync(mail.Id, cancellationToken), settings), cancellationToken);
                await outbox.MarkSentAsync(mail.Id, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogWarning("Mail {MailId} to {Recipient} not delivered: {Error}", mail.Id, mail.RecipientAddress, e.Message);
                await outbox.MarkFailedAsync(mail.Id, mail.Attempts, e.Message, cancellationToken);
            }
        }
        await smtp.DisconnectAsync(quit: true, cancellationToken);
        return due.Count;
    }

    static MimeMessage ToMime(OutboxEntry mail, IReadOnlyList<MailAttachment> attachments, SmtpSettings settings)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(new MailboxAddress(mail.RecipientName, mail.RecipientAddress));
        message.Subject = mail.Subject;
        // The outbox id doubles as Message-Id, so a retry after a lost acknowledgement is recognisable.
        message.MessageId = $"{mail.Id}@itschool";
        if (mail.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the address, without a page in between.
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var body = new BodyBuilder { TextBody = mail.RenderText(), HtmlBody = mail.RenderHtml() };
        foreach (var attachment in attachments)
        {
            body.Attachments.Add(attachment.FileName, System.Text.Encoding.UTF8.GetBytes(attachment.Content), ContentType.Parse(attachment.ContentType));
        }
        message.Body = body.ToMessageBody();
        return message;
    }
}