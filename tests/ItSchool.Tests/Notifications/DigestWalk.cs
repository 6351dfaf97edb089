using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// Walks a node's clock forward in quarter hours, as the digest job's minute ticks would, routing a digested notification to
/// the user every three hours and running the job at every step; answers the digests that went (their day and moment).
/// </summary>
public static class DigestWalk
{
    public static async Task<IReadOnlyList<(DateOnly Day, DateTimeOffset SentAt, int Items)>> RunAsync(WebNode web, NotificationRig.User user,
        DateTimeOffset from, DateTimeOffset to)
    {
        var job = web.Services.GetRequiredService<DigestJob>();
        for (var moment = from; moment <= to; moment += TimeSpan.FromMinutes(15))
        {
            NotificationRig.MoveTo(web, moment);
            if (moment.Minute == 0 && moment.Hour % 3 == 0)
            {
                await NotificationRig.SendAsync(web, user, NotificationKind.NewDocument, $"Document de {moment:yyyy-MM-dd HH:mm} UTC");
            }
            await job.RunOnceAsync();
        }
        return await DigestsAsync(web, user);
    }

    public static async Task<IReadOnlyList<(DateOnly Day, DateTimeOffset SentAt, int Items)>> DigestsAsync(WebNode web, NotificationRig.User user)
    {
        await using var command = NotificationRig.Db(web).CreateCommand("SELECT day, sent_at, items FROM notification_digests WHERE user_id = @user ORDER BY day");
        command.Parameters.AddWithValue("user", user.Id);
        await using var reader = await command.ExecuteReaderAsync();
        var digests = new List<(DateOnly, DateTimeOffset, int)>();
        while (await reader.ReadAsync())
        {
            digests.Add((reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2)));
        }
        return digests;
    }

    /// <summary>Every digested notification went in exactly one digest, and each digest's mail reached the user.</summary>
    public static async Task AssertAllToldOnceAsync(WebNode web, NotificationRig.User user, IReadOnlyList<(DateOnly Day, DateTimeOffset SentAt, int Items)> digests,
        DateTimeOffset lastDue)
    {
        Assert.Equal(await NotificationRig.CountAsync(web, "SELECT count(*) FROM notification_digest_items WHERE user_id = @user AND created_at <= @due",
            ("user", user.Id), ("due", lastDue)), digests.Sum(d => d.Items));
        Assert.Equal(0, await NotificationRig.CountAsync(web,
            "SELECT count(*) FROM notification_digest_items WHERE user_id = @user AND created_at <= @due AND digest_day IS NULL", ("user", user.Id), ("due", lastDue)));
        await Eventually.TrueAsync(() => web.Mail.Received.Count(m => m.To.Mailboxes.Any(b => b.Address == user.Email)
            && m.Subject?.StartsWith("Votre résumé du", StringComparison.Ordinal) == true) == digests.Count, because: "one digest mail per digest");
    }

    /// <summary>A moment without the milliseconds the real clock added under the test clock's offset.</summary>
    public static DateTimeOffset ToTheMinute(DateTimeOffset moment) => new(moment.Ticks - moment.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) => SchoolTime.Moment(new DateTime(year, month, day, hour, minute, 0));
}