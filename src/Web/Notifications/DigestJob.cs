using System.Net;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.Notifications;

/// <summary>
/// Sends the daily digests every minute, on every node: <see cref="NotificationDigests"/> claims a user's day in the
/// transaction that marks its items and queues its mail, so each digest goes once whoever runs it. Each mail is in its
/// reader's language, its items grouped by kind, each kind with its unsubscribe link.
/// </summary>
public sealed class DigestJob(NotificationDigests digests, NpgsqlDataSource db, LanguageDirectory languages, IStringLocalizer<NotificationText> N,
    TimeProvider clock, ILogger<DigestJob> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromSeconds(20);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(1);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await RunOnceAsync(cancellationToken) is > 0 and var sent)
        {
            Logger.LogInformation("Queued {Count} daily digests", sent);
        }
    }

    /// <summary>One pass at the clock's moment; how many digests it queued.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = Clock.GetUtcNow();
        var waiting = await digests.WaitingAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return 0;
        }
        var readers = await languages.RecipientsAsync(cancellationToken: cancellationToken);
        var sent = 0;
        foreach (var userId in waiting)
        {
            if (await RecipientAsync(userId, cancellationToken) is not var (schoolId, address, name))
            {
                continue;
            }
            if (await digests.SendAsync(userId, now, digest => Compose(digest, address, name, readers.OfUser(schoolId, userId)), cancellationToken))
            {
                sent++;
            }
        }
        return sent;
    }

    async Task<(Guid SchoolId, string Address, string Name)?> RecipientAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT school_id, email, first_name || ' ' || last_name FROM users
            WHERE id = @user AND deactivated_at IS NULL AND email IS NOT NULL AND btrim(email) <> ''
            """);
        command.Parameters.AddWithValue("user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    OutgoingMail Compose(DueDigest digest, string address, string name, System.Globalization.CultureInfo language)
    {
        using var culture = Cultures.Use(language);
        var day = SchoolTime.Date(digest.Day);
        var subject = N["Digest.Subject", day, digest.Items.Count].Value;
        var settings = $"{digest.Home}/{NotificationPages.Root}";
        var text = new List<string> { N["Digest.Greeting", name].Value, N["Digest.Intro", digest.Items.Count].Value };
        var html = new List<string> { Paragraph(text[0]), Paragraph(text[1]) };
        foreach (var group in digest.Items.GroupBy(item => item.Kind))
        {
            var what = N[$"Kind.{group.Key}"].Value;
            var stop = digest.Unsubscribe(group.Key.Code());
            text.Add(what.ToUpperInvariant() + "\n" + string.Join("\n", group.Select(item =>
                $"• {item.Subject}{(item.Summary.Length > 0 ? " — " + item.Summary : "")}\n  {item.Url}")) + "\n" + N["Digest.StopKind", what, stop].Value);
            html.Add($"<h3>{WebUtility.HtmlEncode(what)}</h3><ul>" + string.Concat(group.Select(item =>
                $"""<li><a href="{WebUtility.HtmlEncode(item.Url)}">{WebUtility.HtmlEncode(item.Subject)}</a>"""
                + (item.Summary.Length > 0 ? $" — {WebUtility.HtmlEncode(item.Summary)}" : "") + "</li>")) + "</ul>"
                + $"""<p style="color:#666;font-size:small"><a href="{WebUtility.HtmlEncode(stop)}">{WebUtility.HtmlEncode(N["Digest.StopKindLink", what].Value)}</a></p>""");
        }
        var footer = N["Digest.Footer", digest.Unsubscribe(UnsubscribeLinks.Digest), settings].Value;
        text.Add("-- \n" + footer);
        html.Add($"""<p style="color:#666;font-size:small">{WebUtility.HtmlEncode(N["Digest.FooterWhy"].Value)} """
            + $"""<a href="{WebUtility.HtmlEncode(digest.Unsubscribe(UnsubscribeLinks.Digest))}">{WebUtility.HtmlEncode(N["Digest.FooterStop"].Value)}</a> · """
            + $"""<a href="{WebUtility.HtmlEncode(settings)}">{WebUtility.HtmlEncode(N["Mail.FooterSettings"].Value)}</a></p>""");
        return new OutgoingMail(digest.SchoolId, address, name, subject, string.Join("\n\n", text), string.Concat(html));
    }

    static string Paragraph(string line) => $"<p>{WebUtility.HtmlEncode(line)}</p>";
}