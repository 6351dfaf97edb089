using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Tests.Rig;
using ItSchool.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Notifications;

/// <summary>A demo user as the notifications know them, and a notification of a kind sent to them the way every sender does.</summary>
public static class NotificationRig
{
    public sealed record User(Guid Id, Guid SchoolId, string Email);

    public static NpgsqlDataSource Db(WebNode web) => web.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The demo user, with a device that allowed push notifications unless <paramref name="withDevice"/> is false.</summary>
    public static async Task<User> UserAsync(WebNode web, string userName, bool withDevice = true)
    {
        await using var command = Db(web).CreateCommand("""
            SELECT id, school_id, email FROM users WHERE user_name = @name;
            INSERT INTO push_subscriptions (id, school_id, user_id, endpoint, p256dh, auth, device, created_at)
            SELECT gen_random_uuid(), school_id, id, 'https://push.example.org/' || id, 'key', 'auth', 'Test', now()
            FROM users WHERE user_name = @name AND @device
            ON CONFLICT (endpoint) DO NOTHING;
            """);
        command.Parameters.AddWithValue("name", userName);
        command.Parameters.AddWithValue("device", withDevice);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), userName);
        return new User(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2));
    }

    public static Task SetAsync(WebNode web, User user, NotificationSettings settings) =>
        web.Services.GetRequiredService<NotificationPreferences>().SaveAsync(user.Id, settings, web.Clock.GetUtcNow());

    public static NotificationSettings With(NotificationKind kind, EmailChoice email, bool push = true, QuietHours? quiet = null, TimeOnly? digestAt = null) =>
        new(new Dictionary<NotificationKind, KindChoice> { [kind] = new(email, push) }, quiet, digestAt ?? NotificationSettings.DefaultDigestAt);

    /// <summary>Routes a notification of <paramref name="kind"/> with this subject to the user, now by the node's clock, in a transaction of its own.</summary>
    public static Task<NotificationOutcome> SendAsync(WebNode web, User user, NotificationKind kind, string subject)
    {
        var mail = new OutgoingMail(user.SchoolId, user.Email, "Test", subject, $"Corps de « {subject} ».", $"<p>Corps de « {subject} ».</p>");
        var home = new Uri(web.BaseAddress, "/e/demo").ToString();
        var notification = web.Services.GetRequiredService<NotificationMails>().For(kind, user.Id, mail, home, home + "/tableau-de-bord", "Résumé " + subject);
        return NotificationRouting.SendAsync(Db(web), notification, web.Clock.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>The outbox row of the mail with this subject: when it may first go, and whether it went.</summary>
    public static async Task<(DateTimeOffset NextAttempt, DateTimeOffset? SentAt, string? Unsubscribe)?> OutboxAsync(WebNode web, string subject)
    {
        await using var command = Db(web).CreateCommand("SELECT next_attempt_at, sent_at, unsubscribe_url FROM mail_outbox WHERE subject = @subject");
        command.Parameters.AddWithValue("subject", subject);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    /// <summary>When the mail with this subject was delivered, once it is (the sink receives it before the outbox records it).</summary>
    public static async Task<DateTimeOffset> SentAtAsync(WebNode web, string subject)
    {
        DateTimeOffset? sent = null;
        await Eventually.TrueAsync(async () => (sent = (await OutboxAsync(web, subject))?.SentAt) is not null, because: $"'{subject}' was not delivered");
        return sent!.Value;
    }

    public static async Task<long> CountAsync(WebNode web, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db(web).CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Moves the node's clock forward to <paramref name="moment"/> (a test clock never goes back).</summary>
    public static void MoveTo(WebNode web, DateTimeOffset moment)
    {
        var by = moment - web.Clock.GetUtcNow();
        Assert.True(by >= TimeSpan.Zero, $"The clock is already past {moment:O}");
        web.Clock.Advance(by);
    }
}