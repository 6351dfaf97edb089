using System.Net;
using ItSchool.Notifications;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The unsubscribe link of a mail, without signing in: a GET only asks, the page's button or the mail client's one-click POST
/// (RFC 8058) turns the kind off, a replay changes nothing more, and a forged or altered link changes nothing at all.
/// </summary>
public sealed class UnsubscribeTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_link_asks_on_GET_turns_the_kind_off_on_POST_and_a_replay_changes_nothing()
    {
        var user = await NotificationRig.UserAsync(web, "marc.dubois");
        var link = await LinkAsync(user, NotificationKind.NewInvoice, "Facture à désabonner");
        using var anonymous = web.CreateClient();

        var asked = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var page = await asked.Content.ReadAsStringAsync();
        Assert.Contains("Ne plus recevoir d&#x27;e-mails « Nouvelle facture » ?", page);
        Assert.Contains("Me désabonner", page);
        Assert.Equal(EmailChoice.Immediate, (await SettingsAsync(user)).For(NotificationKind.NewInvoice).Email);

        var done = await anonymous.PostAsync(link, null);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("C&#x27;est fait : vous ne recevrez plus d&#x27;e-mails « Nouvelle facture ».", await done.Content.ReadAsStringAsync());
        Assert.Equal(new KindChoice(EmailChoice.Off, true), (await SettingsAsync(user)).For(NotificationKind.NewInvoice));
        Assert.Equal(EmailChoice.Immediate, (await SettingsAsync(user)).For(NotificationKind.BalanceAlert).Email);
        Assert.Equal(EmailChoice.Off, (await NotificationRig.SendAsync(web, user, NotificationKind.NewInvoice, "Facture après désabonnement")).Email);

        var replayed = await anonymous.PostAsync(link, null);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("Vous ne recevez déjà plus d&#x27;e-mails « Nouvelle facture ».", await replayed.Content.ReadAsStringAsync());
        Assert.Contains("Vous ne recevez déjà plus", await anonymous.GetStringAsync(link));
        Assert.Equal(new KindChoice(EmailChoice.Off, true), (await SettingsAsync(user)).For(NotificationKind.NewInvoice));
    }

    [Fact]
    public async Task A_mail_client_unsubscribes_in_one_click_without_a_page_or_a_token()
    {
        var user = await NotificationRig.UserAsync(web, "amelie.lefevre");
        var link = await LinkAsync(user, NotificationKind.Meeting, "Rendez-vous à désabonner");
        using var client = new HttpClient();

        var response = await client.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmailChoice.Off, (await SettingsAsync(user)).For(NotificationKind.Meeting).Email);
    }

    [Fact]
    public async Task A_forged_or_altered_link_says_so_and_changes_nothing()
    {
        var user = await NotificationRig.UserAsync(web, "pierre.lefevre");
        var other = await NotificationRig.UserAsync(web, "sophie.martin");
        var link = await LinkAsync(user, NotificationKind.BalanceAlert, "Alerte à falsifier");
        var signature = link.Query.Split("&s=")[1];
        var altered = new[]
        {
            link.ToString().Replace("&s=" + signature, "&s=" + (signature[0] == 'A' ? 'B' : 'A') + signature[1..]),
            link.ToString().Replace("k=balance-alert", "k=new-invoice"),
            link.ToString().Replace($"u={user.Id:N}", $"u={other.Id:N}"),
            link.ToString().Replace("&s=" + signature, ""),
            link.ToString().Replace("k=balance-alert", "k=digest"),
        };
        using var anonymous = web.CreateClient();

        foreach (var address in altered)
        {
            foreach (var response in new[] { await anonymous.GetAsync(address), await anonymous.PostAsync(address, null) })
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("Ce lien de désabonnement n&#x27;est pas valide", await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal(0, await NotificationRig.CountAsync(web, "SELECT count(*) FROM notification_preferences WHERE user_id = ANY(@users)",
            ("users", new[] { user.Id, other.Id })));
    }

    [Fact]
    public async Task The_digest_link_turns_off_every_kind_read_in_the_digest()
    {
        var user = await NotificationRig.UserAsync(web, "julien.peeters");
        await NotificationRig.SetAsync(web, user, new NotificationSettings(new Dictionary<NotificationKind, KindChoice>
        {
            [NotificationKind.NewDocument] = new(EmailChoice.Digest, true),
            [NotificationKind.Meals] = new(EmailChoice.Digest, false),
        }, null, new TimeOnly(18, 0)));
        var home = new Uri(web.BaseAddress, "/e/demo").ToString();
        string link;
        await using (var connection = await NotificationRig.Db(web).OpenConnectionAsync())
        {
            link = UnsubscribeLinks.Url(home, user.Id, UnsubscribeLinks.Digest, await UnsubscribeLinks.KeyAsync(connection, null, default));
        }
        using var anonymous = web.CreateClient();

        Assert.Contains("Ne plus recevoir le résumé quotidien ?", await anonymous.GetStringAsync(link));
        Assert.Contains("vous ne recevrez plus le résumé quotidien", await (await anonymous.PostAsync(link, null)).Content.ReadAsStringAsync());

        var settings = await SettingsAsync(user);
        Assert.Equal(new KindChoice(EmailChoice.Off, true), settings.For(NotificationKind.NewDocument));
        Assert.Equal(new KindChoice(EmailChoice.Off, false), settings.For(NotificationKind.Meals));
        Assert.Equal(EmailChoice.Immediate, settings.For(NotificationKind.Meeting).Email);
    }

    /// <summary>The unsubscribe address of a mail of this kind, as its List-Unsubscribe header carries it.</summary>
    async Task<Uri> LinkAsync(NotificationRig.User user, NotificationKind kind, string subject)
    {
        await NotificationRig.SendAsync(web, user, kind, subject);
        var mail = await web.Mail.WaitForAsync(m => m.Subject == subject);
        return new Uri(mail.Headers["List-Unsubscribe"]!.Trim('<', '>'));
    }

    Task<NotificationSettings> SettingsAsync(NotificationRig.User user) =>
        web.Services.GetRequiredService<NotificationPreferences>().ReadAsync(user.Id);
}