using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace ItSchool.Tests.Accounts;

public sealed partial class AccountFlowTests(WebNode web) : IClassFixture<WebNode>
{
    [GeneratedRegex(@"premiere-connexion\?jeton=([0-9A-Z-]{19})")]
    private static partial Regex TokenLink();

    [Fact]
    public async Task Forgotten_password_answers_the_same_for_known_and_unknown_addresses_and_mails_only_the_known()
    {
        using var client = web.CreateClient();
        var known = await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie",
            ("Email", "JULIEN.PEETERS@demo.example.be"));
        var unknown = await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie",
            ("Email", "nobody@nowhere.example"));

        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(WithoutTokens(await known.Content.ReadAsStringAsync()), WithoutTokens(await unknown.Content.ReadAsStringAsync()));
        var mail = await web.Mail.WaitForMailToAsync("julien.peeters@demo.example.be");
        Assert.Contains("julien.peeters", mail.TextBody);
        Assert.DoesNotContain(web.Mail.Received, m => m.To.Mailboxes.Any(b => b.Address == "nobody@nowhere.example"));
    }

    [Fact]
    public async Task The_reset_link_sets_a_new_password_once_and_signs_the_parent_in()
    {
        using var client = web.CreateClient();
        await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", "marc.dubois@example.be"));
        var token = TokenFrom(await web.Mail.WaitForMailToAsync("marc.dubois@example.be"));

        var form = await client.GetStringAsync($"/e/demo/premiere-connexion?jeton={token}");
        Assert.Contains($"value=\"{token}\"", form);
        var step = await Forms.PostAsync(client, $"/e/demo/premiere-connexion?jeton={token}", "/e/demo/premiere-connexion", ("Token", $" {token} "));
        var passwordPage = await step.Content.ReadAsStringAsync();
        Assert.Contains("Mise à jour du mot de passe", passwordPage);
        Assert.Contains("marc.dubois", passwordPage);

        var differs = await PostNewPasswordAsync(client, passwordPage, token, "Namur-2026-new", "Namur-2026-neW");
        Assert.Contains("Les deux mots de passe ne sont pas identiques.", await differs.Content.ReadAsStringAsync());
        var weak = await PostNewPasswordAsync(client, passwordPage, token, "short", "short");
        Assert.Contains("trop faible", await weak.Content.ReadAsStringAsync());

        var done = await PostNewPasswordAsync(client, passwordPage, token, "Namur-2026-new", "Namur-2026-new");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("Bienvenue, Marc (Chloé)", await client.GetStringAsync("/e/demo/tableau-de-bord"));

        using var again = web.CreateClient();
        var reuse = await Forms.PostAsync(again, "/e/demo/premiere-connexion", "/e/demo/premiere-connexion", ("Token", token));
        Assert.Contains("a déjà servi", await reuse.Content.ReadAsStringAsync());
        await SignedIn.AsAsync(web, "marc.dubois", "Namur-2026-new");
    }

    [Fact]
    public async Task An_expired_token_says_what_to_do_next()
    {
        using var client = web.CreateClient();
        await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", "cantine@demo.example.be"));
        var token = TokenFrom(await web.Mail.WaitForMailToAsync("cantine@demo.example.be"));
        web.Clock.Advance(LoginTokens.ResetLifetime + TimeSpan.FromMinutes(1));

        var page = await (await Forms.PostAsync(client, "/e/demo/premiere-connexion", "/e/demo/premiere-connexion", ("Token", token)))
            .Content.ReadAsStringAsync();
        Assert.Contains("a expiré", page);
        Assert.Contains("href=\"mot-de-passe-oublie\"", page);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_login_with_the_same_message_for_real_and_unknown_names()
    {
        using var client = web.CreateClient();
        foreach (var login in new[] { "sophie.martin", "ghost.user" })
        {
            for (var i = 0; i < SignInThrottle.MaxFailures; i++)
            {
                var failed = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", login), ("Password", "wrong-" + i));
                Assert.Contains("Nom d&#x27;utilisateur ou mot de passe incorrect.", await failed.Content.ReadAsStringAsync());
            }
        }
        var real = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", "sophie.martin"), ("Password", DemoSchool.Password));
        var ghost = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", "ghost.user"), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(WithoutTokens(await real.Content.ReadAsStringAsync()).Replace("sophie.martin", "ghost.user"),
            WithoutTokens(await ghost.Content.ReadAsStringAsync()));
        Assert.Contains("Trop de tentatives", await real.Content.ReadAsStringAsync());

        web.Clock.Advance(SignInThrottle.Lockout + TimeSpan.FromSeconds(1));
        await SignedIn.AsAsync(web, "sophie.martin");
    }

    [Fact]
    public async Task Changing_the_password_always_ends_the_other_sessions_and_keeps_this_one()
    {
        using var laptop = await SignedIn.AsAsync(web, "julien.peeters");
        using var phone = await SignedIn.AsAsync(web, "julien.peeters");

        // No box to tick: whoever knew the old password may hold a session.
        var changed = await Forms.PostAsync(laptop, "/e/demo/mon-acces", "/e/demo/mon-acces",
            ("Current", DemoSchool.Password), ("Password", "Brugge-2026-one"), ("Confirmation", "Brugge-2026-one"));
        Assert.Contains("Votre mot de passe a été modifié.", await changed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/e/demo/tableau-de-bord")).StatusCode);

        // "Se déconnecter des autres appareils" on its own, without a new password.
        using var tablet = await SignedIn.AsAsync(web, "julien.peeters", "Brugge-2026-one");
        var others = await Forms.PostAsync(laptop, "/e/demo/mon-acces", "/e/demo/mon-acces/autres-appareils");
        Assert.Contains("Vos autres appareils ont été déconnectés.", await others.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await tablet.GetAsync("/e/demo/tableau-de-bord")).StatusCode);

        var wrongCurrent = await Forms.PostAsync(laptop, "/e/demo/mon-acces", "/e/demo/mon-acces",
            ("Current", "not-it"), ("Password", "Brugge-2026-six"), ("Confirmation", "Brugge-2026-six"));
        Assert.Contains("Le mot de passe actuel est incorrect.", await wrongCurrent.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_parent_of_several_children_chooses_one_and_cannot_open_another_familys_child()
    {
        var cookies = new CookieContainer();
        using var client = web.CreateClient(cookies);
        var signIn = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "amelie.lefevre@example.be"), ("Password", DemoSchool.Password));
        Assert.Equal("/e/demo/comptes", signIn.Headers.Location?.OriginalString);
        Assert.Equal("/e/demo/comptes", (await client.GetAsync("/e/demo/tableau-de-bord")).Headers.Location?.OriginalString);

        var list = await client.GetStringAsync("/e/demo/comptes");
        var children = PupilIds(list);
        Assert.Equal(3, children.Count);
        Assert.Contains("École de démo", list);

        var lucas = children.Single(c => c.Name == "Lucas Lefèvre");
        var switched = await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{lucas.Id}");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var dashboard = await client.GetStringAsync("/e/demo/tableau-de-bord");
        Assert.Contains("Bienvenue, Amélie (Lucas)", dashboard);
        Assert.Contains("Classe 4B", dashboard);

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM pupils WHERE first_name = 'Chloé'");
        var chloe = (Guid)(await query.ExecuteScalarAsync())!;
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{chloe}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{Guid.NewGuid()}")).StatusCode);
        Assert.Contains("Bienvenue, Amélie (Lucas)", await client.GetStringAsync("/e/demo/tableau-de-bord"));
    }

    [Fact]
    public async Task Staff_land_on_their_own_dashboard_and_cannot_open_the_family_list()
    {
        using var teacher = await SignedIn.AsAsync(web, "karim.benali");
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/e/demo/comptes")).StatusCode);
    }

    [Fact]
    public async Task Session_cookies_are_HttpOnly_SameSite_and_Secure_over_HTTPS()
    {
        // As behind a TLS-terminating proxy on the same machine, configured as trusted.
        await using var proxied = new WebNode();
        await proxied.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:Proxies:KnownProxies=127.0.0.1");
        using var client = proxied.CreateClient();
        var page = await client.GetStringAsync("/e/demo/connexion");
        var request = new HttpRequestMessage(HttpMethod.Post, "/e/demo/connexion")
        {
            Content = new FormUrlEncodedContent([new("Login", "claire.dupont"), new("Password", DemoSchool.Password),
                new("__RequestVerificationToken", Forms.AntiforgeryToken(page))]),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);

        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("itschool.session="));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", session, StringComparison.OrdinalIgnoreCase);

        using var plain = web.CreateClient();
        var remembered = await Forms.PostAsync(plain, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "claire.dupont"), ("Password", DemoSchool.Password), ("Remember", "true"));
        var persistent = remembered.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("itschool.session="));
        Assert.Contains("expires", persistent, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", persistent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_mail_server_outage_delays_the_mail_but_loses_nothing()
    {
        web.Mail.Accepting = false;
        using var client = web.CreateClient();
        await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", "direction@demo.example.be"));
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await Eventually.TrueAsync(async () => await Scalar<long>(db,
            "SELECT count(*) FROM mail_outbox WHERE recipient_address = 'direction@demo.example.be' AND attempts > 0 AND last_error IS NOT NULL") == 1,
            because: "The condition did not become true within 30 s");

        web.Mail.Accepting = true;
        web.Clock.Advance(TimeSpan.FromMinutes(2));
        var mail = await web.Mail.WaitForMailToAsync("direction@demo.example.be");
        Assert.Equal("Nouveau jeton de connexion – École de démo", mail.Subject);
        // Once delivered, the outbox no longer holds the token.
        await Eventually.TrueAsync(async () => await Scalar<long>(db,
            "SELECT count(*) FROM mail_outbox WHERE recipient_address = 'direction@demo.example.be' AND sent_at IS NOT NULL AND secret IS NULL") == 1,
            because: "The condition did not become true within 30 s");
    }

    [Fact]
    public async Task Ten_minutes_without_the_mail_server_delay_every_mail_and_each_is_delivered_once_after()
    {
        web.Mail.Accepting = false;
        var outbox = web.Services.GetRequiredService<ItSchool.Mail.Outbox>();
        var recipients = Enumerable.Range(0, 20).Select(i => $"panne{i:00}@familles.example.be").ToList();
        foreach (var address in recipients)
        {
            await outbox.EnqueueAsync(new ItSchool.Mail.OutgoingMail(DemoSchool.Id, address, "Famille", "Sortie de jeudi", "Le car part à 8 h.",
                "<p>Le car part à 8 h.</p>"));
        }
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        const string Ours = "FROM mail_outbox WHERE recipient_address LIKE 'panne%@familles.example.be'";

        // Ten minutes by the clock without a server: every mail is tried again and again, further and further apart.
        var down = TimeSpan.Zero;
        await Eventually.TrueAsync(async () =>
        {
            web.Clock.Advance(TimeSpan.FromSeconds(30));
            down += TimeSpan.FromSeconds(30);
            return down >= TimeSpan.FromMinutes(10) && await Scalar<int>(db, $"SELECT min(attempts) {Ours}") >= 3;
        }, because: "the outbox did not keep trying during the outage");
        Assert.Equal(0L, await Scalar<long>(db, $"SELECT count(*) {Ours} AND sent_at IS NOT NULL"));
        Assert.DoesNotContain(web.Mail.Received, m => m.To.ToString().Contains("panne"));

        web.Mail.Accepting = true;
        await Eventually.TrueAsync(async () =>
        {
            web.Clock.Advance(TimeSpan.FromSeconds(30));
            return await Scalar<long>(db, $"SELECT count(*) {Ours} AND sent_at IS NULL") == 0;
        }, because: "the outbox did not deliver once the server was back");
        foreach (var address in recipients)
        {
            Assert.Single(web.Mail.Received, m => m.To.ToString().Contains(address));
        }
    }

    static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    static async Task<HttpResponseMessage> PostNewPasswordAsync(HttpClient client, string passwordPage, string token, string password, string confirmation) =>
        await client.PostAsync("/e/demo/premiere-connexion/mot-de-passe", new FormUrlEncodedContent(
        [
            new("Token", token), new("Password", password), new("Confirmation", confirmation),
            new("__RequestVerificationToken", Forms.AntiforgeryToken(passwordPage)),
        ]));

    static string TokenFrom(MimeMessage mail)
    {
        var match = TokenLink().Match(mail.TextBody ?? "");
        Assert.True(match.Success, "The mail has no first-connection link: " + mail.TextBody);
        Assert.Contains(match.Groups[1].Value, mail.HtmlBody);
        return match.Groups[1].Value;
    }

    static string WithoutTokens(string html) =>
        Regex.Replace(html, "(value|content)=\"CfDJ[^\"]+\"", "$1=\"…\"");

    static List<(Guid Id, string Name)> PupilIds(string html) =>
        Regex.Matches(html, "data-pupil=\"([0-9a-f-]{36})\">\\s*<div>\\s*<strong>([^<]+)</strong>")
            .Select(m => (Guid.Parse(m.Groups[1].Value), m.Groups[2].Value)).ToList();
}