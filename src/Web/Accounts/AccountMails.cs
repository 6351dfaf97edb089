using System.Text.Encodings.Web;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Accounts;

/// <summary>
/// The two mails that carry a login token: the school's invitation and the "forgotten password" answer.
/// Both give the user name (the cure for a forgotten one), the token and a link that fills it in.
/// </summary>
public sealed class AccountMails(LoginTokens tokens, Outbox outbox, IStringLocalizer<Ui> T)
{
    /// <summary>Issues a token and queues the mail; false when the account has no e-mail address.</summary>
    public Task<bool> SendInvitationAsync(School school, UserAccount account, string schoolUrl, CancellationToken cancellationToken = default) =>
        SendAsync(school, account, schoolUrl, TokenPurpose.Invitation, cancellationToken);

    public Task<bool> SendResetAsync(School school, UserAccount account, string schoolUrl, CancellationToken cancellationToken = default) =>
        SendAsync(school, account, schoolUrl, TokenPurpose.Reset, cancellationToken);

    async Task<bool> SendAsync(School school, UserAccount account, string schoolUrl, TokenPurpose purpose, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(account.Email))
        {
            return false;
        }
        var token = await tokens.IssueAsync(school.Id, account.Id, purpose, cancellationToken);
        using var language = Cultures.Use(LanguageDirectory.Of(account.Language, school.Language));
        var link = $"{schoolUrl.TrimEnd('/')}/premiere-connexion?jeton={OutgoingMail.SecretPlaceholder}";
        var kind = purpose == TokenPurpose.Invitation ? "Invitation" : "Reset";
        var subject = T[$"Mail.{kind}.Subject", school.Name].Value;
        var intro = T[$"Mail.{kind}.Intro", school.Name].Value;
        var greeting = T["Mail.Greeting", account.FirstName].Value;
        var userName = T["Mail.UserName", account.UserName].Value;
        var tokenLine = T["Mail.Token", OutgoingMail.SecretPlaceholder].Value;
        var linkLine = T["Mail.Link"].Value;
        var validity = purpose == TokenPurpose.Invitation
            ? T["Mail.Validity", (int)LoginTokens.InvitationLifetime.TotalDays].Value
            : T["Mail.ValidityHours", (int)LoginTokens.ResetLifetime.TotalHours].Value;

        var text = string.Join("\n\n", greeting, intro, $"{userName}\n{tokenLine}", $"{linkLine}\n{link}", validity);
        var html = HtmlEncoder.Default;
        var body = $"""
            <p>{html.Encode(greeting)}</p>
            <p>{html.Encode(intro)}</p>
            <p>{html.Encode(userName)}<br>{html.Encode(tokenLine).Replace(html.Encode(OutgoingMail.SecretPlaceholder), $"<strong>{OutgoingMail.SecretPlaceholder}</strong>")}</p>
            <p>{html.Encode(linkLine)}<br><a href="{link}">{link}</a></p>
            <p>{html.Encode(validity)}</p>
            """;
        await outbox.EnqueueAsync(new OutgoingMail(school.Id, account.Email, account.DisplayName, subject, text, body, token),
            cancellationToken);
        return true;
    }
}