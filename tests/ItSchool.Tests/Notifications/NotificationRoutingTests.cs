using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The routing every sender goes through, on PostgreSQL with the SMTP sink: at once (with the unsubscribe footer and headers),
/// in the digest, off, and held through quiet hours; a push queued only for the kinds the user wants pushed.
/// </summary>
public sealed class NotificationRoutingTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task An_immediate_notification_is_mailed_with_its_unsubscribe_link_and_headers_and_a_push()
    {
        var user = await NotificationRig.UserAsync(web, "marc.dubois");
        var outcome = await NotificationRig.SendAsync(web, user, NotificationKind.NewInvoice, "Facture immédiate");

        Assert.Equal(EmailChoice.Immediate, outcome.Email);
        Assert.True(outcome.Pushed);
        var mail = await web.Mail.WaitForAsync(m => m.Subject == "Facture immédiate");
        var unsubscribe = mail.Headers["List-Unsubscribe"]!;
        Assert.Matches(@"^<http://127\.0\.0\.1:\d+/e/demo/notifications/desabonner\?u=[0-9a-f]{32}&k=new-invoice&s=[A-Za-z0-9_-]{43}>$", unsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("Vous recevez cet e-mail pour « Nouvelle facture ». Ne plus le recevoir : " + unsubscribe.Trim('<', '>'), mail.TextBody);
        Assert.Contains($"href=\"{unsubscribe.Trim('<', '>').Replace("&", "&amp;")}\"", mail.HtmlBody);
        Assert.Equal(1, await NotificationRig.CountAsync(web, "SELECT count(*) FROM push_queue WHERE user_id = @user AND title = 'Facture immédiate'",
            ("user", user.Id)));
    }

    [Fact]
    public async Task A_user_who_never_allowed_push_on_a_device_gets_the_mail_and_no_push()
    {
        var user = await NotificationRig.UserAsync(web, "claire.dupont", withDevice: false);
        var outcome = await NotificationRig.SendAsync(web, user, NotificationKind.NewInvoice, "Facture sans appareil");

        Assert.False(outcome.Pushed);
        await web.Mail.WaitForAsync(m => m.Subject == "Facture sans appareil");
        Assert.Equal(0, await NotificationRig.CountAsync(web, "SELECT count(*) FROM push_queue WHERE user_id = @user", ("user", user.Id)));
    }

    [Fact]
    public async Task A_digested_kind_is_kept_for_the_digest_and_not_mailed()
    {
        var user = await NotificationRig.UserAsync(web, "amelie.lefevre");
        await NotificationRig.SetAsync(web, user, NotificationRig.With(NotificationKind.NewDocument, EmailChoice.Digest, push: false));

        var outcome = await NotificationRig.SendAsync(web, user, NotificationKind.NewDocument, "Document pour le résumé");

        Assert.Equal(EmailChoice.Digest, outcome.Email);
        Assert.False(outcome.Pushed);
        Assert.Null(await NotificationRig.OutboxAsync(web, "Document pour le résumé"));
        Assert.Equal(1, await NotificationRig.CountAsync(web,
            "SELECT count(*) FROM notification_digest_items WHERE user_id = @user AND subject = 'Document pour le résumé' AND kind = 'new-document'", ("user", user.Id)));
        Assert.Equal(0, await NotificationRig.CountAsync(web, "SELECT count(*) FROM push_queue WHERE title = 'Document pour le résumé'"));
    }

    [Fact]
    public async Task A_kind_turned_off_sends_nothing_but_the_push_the_user_kept()
    {
        var user = await NotificationRig.UserAsync(web, "pierre.lefevre");
        await NotificationRig.SetAsync(web, user, NotificationRig.With(NotificationKind.Meeting, EmailChoice.Off, push: true));

        var outcome = await NotificationRig.SendAsync(web, user, NotificationKind.Meeting, "Rendez-vous sans e-mail");
        var other = await NotificationRig.SendAsync(web, user, NotificationKind.BalanceAlert, "Alerte toujours à l'envoi");

        Assert.Equal(EmailChoice.Off, outcome.Email);
        Assert.Null(await NotificationRig.OutboxAsync(web, "Rendez-vous sans e-mail"));
        Assert.Equal(0, await NotificationRig.CountAsync(web, "SELECT count(*) FROM notification_digest_items WHERE subject = 'Rendez-vous sans e-mail'"));
        Assert.Equal(1, await NotificationRig.CountAsync(web, "SELECT count(*) FROM push_queue WHERE title = 'Rendez-vous sans e-mail'"));
        Assert.Equal(EmailChoice.Immediate, other.Email);
        await web.Mail.WaitForAsync(m => m.Subject == "Alerte toujours à l'envoi");
    }

    [Fact]
    public async Task Quiet_hours_hold_the_mail_and_the_push_until_they_end_even_across_midnight()
    {
        var user = await NotificationRig.UserAsync(web, "sophie.martin");
        // Quiet from an hour ago to two hours ahead, Brussels time: the end may be on the next day.
        var local = TimeOnly.FromDateTime(SchoolTime.Local(web.Clock.GetUtcNow()));
        var quiet = new QuietHours(new TimeOnly(local.Hour, 0).AddHours(-1), new TimeOnly(local.Hour, 0).AddHours(2));
        await NotificationRig.SetAsync(web, user, NotificationRig.With(NotificationKind.Meeting, EmailChoice.Immediate, quiet: quiet));

        var outcome = await NotificationRig.SendAsync(web, user, NotificationKind.Meeting, "Rendez-vous pendant les heures calmes");

        var end = outcome.SendAt;
        Assert.Equal(quiet.End, TimeOnly.FromDateTime(SchoolTime.Local(end)));
        Assert.InRange(end - web.Clock.GetUtcNow(), TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var held = await NotificationRig.OutboxAsync(web, "Rendez-vous pendant les heures calmes");
        Assert.Equal(end, held!.Value.NextAttempt);
        Assert.Equal(1, await NotificationRig.CountAsync(web,
            "SELECT count(*) FROM push_queue WHERE title = 'Rendez-vous pendant les heures calmes' AND send_after = @end", ("end", end)));
        // A mail queued after it, to someone without quiet hours, goes: the delivery loop passed, and left the held one.
        var witness = await NotificationRig.UserAsync(web, "julien.peeters");
        await NotificationRig.SendAsync(web, witness, NotificationKind.Meeting, "Témoin sans heures calmes");
        await web.Mail.WaitForAsync(m => m.Subject == "Témoin sans heures calmes");
        Assert.Null((await NotificationRig.OutboxAsync(web, "Rendez-vous pendant les heures calmes"))!.Value.SentAt);
        Assert.DoesNotContain(web.Mail.Received, m => m.Subject == "Rendez-vous pendant les heures calmes");

        NotificationRig.MoveTo(web, end);
        await web.Mail.WaitForAsync(m => m.Subject == "Rendez-vous pendant les heures calmes");
    }

    [Fact]
    public void Quiet_hours_across_midnight_end_the_next_morning_and_hold_nothing_outside_them()
    {
        var quiet = new QuietHours(new TimeOnly(21, 0), new TimeOnly(7, 0));
        var evening = SchoolTime.Moment(new DateTime(2027, 1, 12, 22, 15, 0));
        Assert.Equal(SchoolTime.Moment(new DateTime(2027, 1, 13, 7, 0, 0)), quiet.EndAround(evening));
        var night = SchoolTime.Moment(new DateTime(2027, 1, 13, 3, 0, 0));
        Assert.Equal(SchoolTime.Moment(new DateTime(2027, 1, 13, 7, 0, 0)), quiet.EndAround(night));
        Assert.Null(quiet.EndAround(SchoolTime.Moment(new DateTime(2027, 1, 13, 7, 0, 0))));
        Assert.Null(quiet.EndAround(SchoolTime.Moment(new DateTime(2027, 1, 13, 20, 59, 0))));
    }
}