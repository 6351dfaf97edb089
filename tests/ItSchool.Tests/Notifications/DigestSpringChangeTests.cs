using ItSchool.Notifications;
using ItSchool.Tests.Rig;
using static ItSchool.Tests.Notifications.DigestWalk;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The digest across the spring change (Sunday 28 March 2027, 02:00 → 03:00 in Brussels) with quiet hours 01:00–03:30 that
/// night: 18:00 Brussels is 17:00 UTC in winter and 16:00 UTC in summer; one digest a day, none missed or doubled; a mail
/// held by the quiet hours of the short night goes at 03:30 summer time.
/// </summary>
public sealed class DigestSpringChangeTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_digest_goes_once_a_day_at_18_00_Brussels_across_the_spring_change()
    {
        var user = await NotificationRig.UserAsync(web, "amelie.lefevre");
        var quiet = new QuietHours(new TimeOnly(1, 0), new TimeOnly(3, 30));
        await NotificationRig.SetAsync(web, user, new NotificationSettings(new Dictionary<NotificationKind, KindChoice>
        {
            [NotificationKind.NewDocument] = new(EmailChoice.Digest, false),
        }, quiet, new TimeOnly(18, 0)));

        var digests = await RunAsync(web, user, Utc(2027, 3, 27, 0), Utc(2027, 3, 28, 0));
        // In the quiet night of the change (01:00 winter time), an immediate mail waits for 03:30 summer time: 01:30 UTC.
        var held = await NotificationRig.SendAsync(web, user, NotificationKind.Meeting, "Rendez-vous de la nuit du changement");
        Assert.Equal(Utc(2027, 3, 28, 1, 30), held.SendAt);
        digests = await RunAsync(web, user, Utc(2027, 3, 28, 0, 15), Utc(2027, 3, 29, 23, 45));

        Assert.Equal(
        [
            (new DateOnly(2027, 3, 27), Utc(2027, 3, 27, 17)),
            (new DateOnly(2027, 3, 28), Utc(2027, 3, 28, 16)),
            (new DateOnly(2027, 3, 29), Utc(2027, 3, 29, 16)),
        ], digests.Select(d => (d.Day, ToTheMinute(d.SentAt))).ToList());
        await AssertAllToldOnceAsync(web, user, digests, Utc(2027, 3, 29, 16));
        Assert.True(await NotificationRig.SentAtAsync(web, "Rendez-vous de la nuit du changement") >= Utc(2027, 3, 28, 1, 30));
    }
}