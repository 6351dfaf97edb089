using ItSchool.Notifications;
using ItSchool.Tests.Rig;
using static ItSchool.Tests.Notifications.DigestWalk;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The digest across the autumn change (Sunday 31 October 2027, 03:00 → 02:00 in Brussels) with quiet hours 01:00–03:30 that
/// night: 18:00 Brussels is 16:00 UTC in summer and 17:00 UTC in winter; one digest a day, none missed or doubled; whichever
/// showing of 02:30 a mail comes at, the quiet hours hold it until 03:30 winter time.
/// </summary>
public sealed class DigestAutumnChangeTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_digest_goes_once_a_day_at_18_00_Brussels_across_the_autumn_change()
    {
        var user = await NotificationRig.UserAsync(web, "pierre.lefevre");
        var quiet = new QuietHours(new TimeOnly(1, 0), new TimeOnly(3, 30));
        await NotificationRig.SetAsync(web, user, new NotificationSettings(new Dictionary<NotificationKind, KindChoice>
        {
            [NotificationKind.NewDocument] = new(EmailChoice.Digest, false),
        }, quiet, new TimeOnly(18, 0)));

        var digests = await RunAsync(web, user, Utc(2027, 10, 30, 0), Utc(2027, 10, 31, 0, 30));
        // 02:30 summer time, the first showing: held until 03:30 winter time, 02:30 UTC.
        var first = await NotificationRig.SendAsync(web, user, NotificationKind.Meeting, "Rendez-vous au premier 02:30");
        Assert.Equal(Utc(2027, 10, 31, 2, 30), first.SendAt);
        digests = await RunAsync(web, user, Utc(2027, 10, 31, 0, 45), Utc(2027, 10, 31, 1, 30));
        // 02:30 winter time, the second showing: the same end.
        var second = await NotificationRig.SendAsync(web, user, NotificationKind.Meeting, "Rendez-vous au second 02:30");
        Assert.Equal(Utc(2027, 10, 31, 2, 30), second.SendAt);
        digests = await RunAsync(web, user, Utc(2027, 10, 31, 1, 45), Utc(2027, 11, 1, 23, 45));

        Assert.Equal(
        [
            (new DateOnly(2027, 10, 30), Utc(2027, 10, 30, 16)),
            (new DateOnly(2027, 10, 31), Utc(2027, 10, 31, 17)),
            (new DateOnly(2027, 11, 1), Utc(2027, 11, 1, 17)),
        ], digests.Select(d => (d.Day, ToTheMinute(d.SentAt))).ToList());
        await AssertAllToldOnceAsync(web, user, digests, Utc(2027, 11, 1, 17));
        Assert.True(await NotificationRig.SentAtAsync(web, "Rendez-vous au premier 02:30") >= Utc(2027, 10, 31, 2, 30));
        Assert.True(await NotificationRig.SentAtAsync(web, "Rendez-vous au second 02:30") >= Utc(2027, 10, 31, 2, 30));
    }
}