namespace ItSchool.Mail;

/// <summary>
/// A mail to send. Where a one-time token belongs, the bodies say <c>{secret}</c> and the token travels in
/// <see cref="Secret"/>, which the outbox erases once the mail is delivered.
/// </summary>
public sealed record OutgoingMail(
    Guid SchoolId,
    string RecipientAddress,
    string RecipientName,
    string Subject,
    string TextBody,
    string HtmlBody,
    string? Secret = null)
{
    public const string SecretPlaceholder = "{secret}";

    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];

    /// <summary>The one-click unsubscribe address of a non-essential mail (List-Unsubscribe, RFC 8058); null for essential mail.</summary>
    public string? UnsubscribeUrl { get; init; }
}

/// <summary>A text file sent with a mail (a calendar file).</summary>
public sealed record MailAttachment(string FileName, string ContentType, string Content);

/// <summary>A mail as the outbox keeps it.</summary>
public sealed record OutboxEntry(
    Guid Id,
    Guid SchoolId,
    string RecipientAddress,
    string RecipientName,
    string Subject,
    string TextBody,
    string HtmlBody,
    string? Secret,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset? SentAt,
    string? LastError,
    string? UnsubscribeUrl = null)
{
    public string RenderText() => TextBody.Replace(OutgoingMail.SecretPlaceholder, Secret ?? "••••");

    public string RenderHtml() => HtmlBody.Replace(OutgoingMail.SecretPlaceholder, Secret ?? "••••");
}