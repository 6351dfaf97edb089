using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItSchool.Mail;

/// <summary>
/// Delivers the outbox through SMTP (MailKit) on every node that has SMTP configured; nodes share the work
/// through the outbox's claims. It wakes when this node queues a mail and every few seconds otherwise, so
/// mail queued by another node or due for a retry is picked up too.
/// </summary>
public sealed class MailDelivery(Outbox outbox, IOptions<SmtpSettings> options, ILogger<MailDelivery> logger) : BackgroundService
{
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    readonly SemaphoreSlim wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            logger.LogInformation("No SMTP server configured (ItSchool:Smtp:Host): mail stays in the outbox");
            return;
        }
        outbox.MailQueued += OnQueued;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await DeliverDueAsync(settings, stoppingToken) > 0)
                    {
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Mail delivery pass failed; retrying shortly");
                }
                await wake.WaitAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            outbox.MailQueued -= OnQueued;
        }
    }

    void OnQueued() => wake.Release();

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
            logger.LogWarning("SMTP server {Host}:{Port} unreachable: {Error}", settings.Host, settings.Port, e.Message);
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
                logger.LogWarning("Mail {MailId} to {Recipient} not delivered: {Error}", mail.Id, mail.RecipientAddress, e.Message);
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
        var body = new BodyBuilder { TextBody = mail.RenderText(), HtmlBody = mail.RenderHtml() };
        foreach (var attachment in attachments)
        {
            body.Attachments.Add(attachment.FileName, System.Text.Encoding.UTF8.GetBytes(attachment.Content), ContentType.Parse(attachment.ContentType));
        }
        message.Body = body.ToMessageBody();
        return message;
    }
}