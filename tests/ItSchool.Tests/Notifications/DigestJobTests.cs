using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using static ItSchool.Tests.Notifications.DigestWalk;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The daily digest with the test clock on ordinary January days: its hour inside quiet hours moves it to their end (even to
/// the next morning), it lists everything that waited in the reader's language with an unsubscribe link per kind, and a day
/// with nothing sends nothing.
/// </summary>
public sealed class DigestJobTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task A_digest_hour_inside_quiet_hours_waits_for_their_end_and_nothing_goes_on_a_day_with_nothing()
    {
        var late = await NotificationRig.UserAsync(web, "marc.dubois");
        var early = await NotificationRig.UserAsync(web, "amelie.lefevre");
        var idle = await NotificationRig.UserAsync(web, "pierre.lefevre");
        // 23:00 inside 22:00–07:00: each day's digest goes the next morning at 07:00.
        await NotificationRig.SetAsync(web, late, new NotificationSettings(new Dictionary<NotificationKind, KindChoice>
        {
            [NotificationKind.NewDocument] = new(EmailChoice.Digest, false),
        }, new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)), new TimeOnly(23, 0)));
        // 02:00 inside 01:00–03:30: at 03:30.
        await NotificationRig.SetAsync(web, early, new NotificationSettings(new Dictionary<NotificationKind, KindChoice>
        {
            [NotificationKind.NewDocument] = new(EmailChoice.Digest, false),
        }, new QuietHours(new TimeOnly(1, 0), new TimeOnly(3, 30)), new TimeOnly(2, 0)));
        await NotificationRig.SetAsync(web, idle, NotificationRig.With(NotificationKind.NewDocument, EmailChoice.Digest));

        var job = web.Services.GetRequiredService<ItSchool.Web.Notifications.DigestJob>();
        foreach (var moment in new[] { Local(2027, 1, 12, 9), Local(2027, 1, 12, 12) })
        {
            NotificationRig.MoveTo(web, moment);
            await NotificationRig.SendAsync(web, late, NotificationKind.NewDocument, $"Bulletin de Marc {SchoolTime.Local(moment):HH:mm}");
            await NotificationRig.SendAsync(web, early, NotificationKind.NewDocument, $"Bulletin d'Amélie {SchoolTime.Local(moment):HH:mm}");
            await job.RunOnceAsync();
        }
        var steps = new List<DateTimeOffset>();
        for (var moment = Local(2027, 1, 12, 12, 15); moment <= Local(2027, 1, 14, 12); moment += TimeSpan.FromMinutes(15))
        {
            NotificationRig.MoveTo(web, moment);
            if (moment == Local(2027, 1, 13, 10))
            {
                await NotificationRig.SendAsync(web, late, NotificationKind.NewDocument, "Bulletin de Marc du 13");
            }
            await job.RunOnceAsync();
        }

        Assert.Equal([(new DateOnly(2027, 1, 12), Local(2027, 1, 13, 7)), (new DateOnly(2027, 1, 13), Local(2027, 1, 14, 7))],
            (await DigestsAsync(web, late)).Select(d => (d.Day, ToTheMinute(d.SentAt))).ToList());
        Assert.Equal([(new DateOnly(2027, 1, 13), Local(2027, 1, 13, 3, 30))],
            (await DigestsAsync(web, early)).Select(d => (d.Day, ToTheMinute(d.SentAt))).ToList());
        Assert.Empty(await DigestsAsync(web, idle));

        var first = await web.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == late.Email) && m.Subject == "Votre résumé du 12/01/2027 : 2 nouvelle(s)");
        Assert.Contains("Bulletin de Marc 09:00 — Résumé Bulletin de Marc 09:00", first.TextBody);
        Assert.Contains("Bulletin de Marc 12:00", first.TextBody);
        Assert.Matches(@"Ne plus recevoir « Documents » par e-mail : http://\S+/notifications/desabonner\?u=[0-9a-f]{32}&k=new-document&s=\S+", first.TextBody);
        Assert.Matches(@"^<http://\S+/notifications/desabonner\?u=[0-9a-f]{32}&k=digest&s=\S+>$", first.Headers["List-Unsubscribe"]);
        var second = await web.Mail.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address == late.Email) && m.Subject == "Votre résumé du 13/01/2027 : 1 nouvelle(s)");
        Assert.Contains("Bulletin de Marc du 13", second.TextBody);
        Assert.DoesNotContain("Bulletin de Marc 09:00", second.TextBody);
    }
}