using System.Globalization;
using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace ItSchool.Tests.Languages;

/// <summary>
/// Which language a page and a mail are written in: the chooser's cookie, the person's stored language (in their
/// session cookie), the school's, the browser's. Asserted on the page's <c>lang</c>, the language texts (which
/// exist in all three languages) and culture-formatted dates, not on other features' translations.
/// </summary>
public sealed class LanguageChoiceTests(WebNode web) : IClassFixture<WebNode>
{
    static HttpRequestMessage Get(string url, string? acceptLanguage = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.Add("Accept-Language", acceptLanguage);
        }
        return request;
    }

    static async Task<string> PageAsync(HttpClient client, string url, string? acceptLanguage = null)
    {
        var response = await client.SendAsync(Get(url, acceptLanguage));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sign_in_chooser_sets_a_cookie_that_speaks_for_a_signed_out_person()
    {
        var cookies = new CookieContainer();
        using var client = web.CreateClient(cookies);
        var french = await PageAsync(client, "/e/demo/connexion");
        Assert.Contains("<html lang=\"fr-BE\">", french);
        Assert.Contains(">Nederlands</button>", french);

        var chosen = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/langue", ("Language", "nl-BE"), ("ReturnUrl", "/e/demo/connexion?returnUrl=x"));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/e/demo/connexion?returnUrl=x", chosen.Headers.Location!.OriginalString);
        var dutch = await PageAsync(client, "/e/demo/connexion", acceptLanguage: "en-GB");
        Assert.Contains("<html lang=\"nl-BE\">", dutch);
        Assert.Contains("aria-label=\"Taal\"", dutch);

        // Another site's address is not followed; an unknown language is refused and changes nothing.
        var away = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/langue", ("Language", "en-BE"), ("ReturnUrl", "https://evil.example/"));
        Assert.Equal("/e/demo/connexion", away.Headers.Location!.OriginalString);
        Assert.Contains("<html lang=\"en-BE\">", await PageAsync(client, "/e/demo/connexion"));
        var unknown = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/langue", ("Language", "de-DE"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("<html lang=\"en-BE\">", await PageAsync(client, "/e/demo/connexion"));
    }

    [Fact]
    public async Task A_stored_language_is_used_after_sign_in_without_any_accept_language()
    {
        using (var marc = await SignedIn.AsAsync(web, "marc.dubois"))
        {
            Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(marc, "/e/demo/mon-acces"));
            var saved = await Forms.PostAsync(marc, "/e/demo/mon-acces", "/e/demo/mon-acces/langue", ("Language", "nl-BE"));
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            var page = await PageAsync(marc, saved.Headers.Location!.OriginalString);
            Assert.Contains("<html lang=\"nl-BE\">", page);
            Assert.Contains("Uw taal is opgeslagen.", page);
            Assert.Contains("<option value=\"nl-BE\" lang=\"nl-BE\" selected", page);
        }

        // A new session: the language comes with the sign-in (the session cookie's claim).
        using var again = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(again, "/e/demo/tableau-de-bord"));
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(again, "/e/demo/tableau-de-bord", acceptLanguage: "fr-BE"));

        // Back to the school's language: the empty choice.
        var reset = await Forms.PostAsync(again, "/e/demo/mon-acces", "/e/demo/mon-acces/langue", ("Language", ""));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(again, "/e/demo/tableau-de-bord"));
        var refused = await Forms.PostAsync(again, "/e/demo/mon-acces", "/e/demo/mon-acces/langue", ("Language", "xx"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task A_school_that_chose_a_language_comes_before_the_browser_and_one_that_did_not_follows_it()
    {
        var languages = web.Services.GetRequiredService<LanguageDirectory>();
        var schools = web.Services.GetRequiredService<SchoolDirectory>();
        using var client = web.CreateClient();
        // The demo school chose none: each browser's language, then French.
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(client, "/e/demo/connexion", acceptLanguage: "nl"));
        Assert.Contains("<html lang=\"en-BE\">", await PageAsync(client, "/e/demo/connexion", acceptLanguage: "en-US,en;q=0.9"));
        Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(client, "/e/demo/connexion", acceptLanguage: "de-DE"));
        Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(client, "/e/demo/connexion"));
        try
        {
            Assert.True(await languages.SetSchoolLanguageAsync(DemoSchool.Id, "en-BE"));
            schools.Forget();
            Assert.Contains("<html lang=\"en-BE\">", await PageAsync(client, "/e/demo/connexion", acceptLanguage: "nl-BE"));
        }
        finally
        {
            Assert.True(await languages.SetSchoolLanguageAsync(DemoSchool.Id, null));
            schools.Forget();
        }
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(client, "/e/demo/connexion", acceptLanguage: "nl-BE"));
        Assert.False(await languages.SetSchoolLanguageAsync(DemoSchool.Id, "de-DE"));
        // The operator's pages belong to no school: the browser's language, by language whatever the country.
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(client, "/plateforme/connexion", acceptLanguage: "nl-NL,nl;q=0.9,fr;q=0.5"));
        Assert.Contains("<html lang=\"en-BE\">", await PageAsync(client, "/plateforme/connexion", acceptLanguage: "de-DE,en-GB;q=0.8"));
        Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(client, "/plateforme/connexion", acceptLanguage: "de-DE"));
    }

    [Fact]
    public async Task The_operator_chooses_a_schools_language_or_leaves_it_to_each_browser()
    {
        using var operatorClient = await ItSchool.Tests.Operators.PlatformClient.OperatorOfAsync(web);
        using var reader = web.CreateClient();
        var page = $"/plateforme/ecoles/{DemoSchool.Id}";
        var action = $"{page}/langue";

        var none = await operatorClient.GetStringAsync(page);
        Assert.Contains("<option value selected>", none);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(operatorClient, page, action, ("Language", "nl-BE"))).StatusCode);
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(reader, "/e/demo/connexion", acceptLanguage: "en-GB"));
        Assert.Contains("<option value=\"nl-BE\" lang=\"nl-BE\" selected", await operatorClient.GetStringAsync(page));

        Assert.Equal(HttpStatusCode.BadRequest, (await Forms.PostAsync(operatorClient, page, action, ("Language", "de-DE"))).StatusCode);
        Assert.Contains("<html lang=\"nl-BE\">", await PageAsync(reader, "/e/demo/connexion", acceptLanguage: "en-GB"));

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(operatorClient, page, action, ("Language", ""))).StatusCode);
        Assert.Contains("<html lang=\"en-BE\">", await PageAsync(reader, "/e/demo/connexion", acceptLanguage: "en-GB"));
        Assert.Contains("<html lang=\"fr-BE\">", await PageAsync(reader, "/e/demo/connexion"));
    }

    [Fact]
    public async Task A_meeting_mail_is_written_in_each_recipients_language()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single(e => e.Name == "Réunion de parents du printemps");
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        Assert.True(await web.Services.GetRequiredService<LanguageDirectory>().SetUserLanguageAsync(DemoSchool.Id, await UserIdAsync("amelie.lefevre"), "en-BE"));
        using var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var page = $"/e/demo/reunions/{evening.Id}/enseignants/{julien}";

        var request = new HttpRequestMessage(HttpMethod.Post, $"{page}/reserver") { Content = new FormUrlEncodedContent([new("Slot", "3")]) };
        request.Headers.Add("RequestVerificationToken", Forms.AntiforgeryToken(await amelie.GetStringAsync(page)));
        request.Headers.Add("HX-Request", "true");
        Assert.Equal(HttpStatusCode.OK, (await amelie.SendAsync(request)).StatusCode);

        // Amélie chose English; Pierre, the other guardian, chose nothing: the school's French.
        var day = evening.SlotDay(3);
        var english = await web.Mail.WaitForMailToAsync("amelie.lefevre@example.be");
        Assert.Contains(day.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("en-BE")), english.TextBody);
        var french = await web.Mail.WaitForMailToAsync("pierre.lefevre@example.be");
        Assert.Contains(day.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("fr-BE")), french.TextBody);
    }

    [Fact]
    public async Task The_forgotten_password_mail_is_in_the_accounts_language_whatever_the_page_was_read_in()
    {
        Assert.True(await web.Services.GetRequiredService<LanguageDirectory>().SetUserLanguageAsync(DemoSchool.Id, await UserIdAsync("julien.peeters"), "nl-BE"));
        using var client = web.CreateClient();
        var request = await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", "julien.peeters@demo.example.be"));
        Assert.Equal(HttpStatusCode.OK, request.StatusCode);

        var mail = await web.Mail.WaitForMailToAsync("julien.peeters@demo.example.be");
        var texts = web.Services.GetRequiredService<IStringLocalizer<Ui>>();
        using (Cultures.Use(CultureInfo.GetCultureInfo("nl-BE")))
        {
            Assert.Equal(texts["Mail.Reset.Subject", "École de démo"].Value, mail.Subject);
            Assert.Contains(texts["Mail.Greeting", "Julien"].Value, mail.TextBody);
        }
    }

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var data = Npgsql.NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = data.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        command.Parameters.AddWithValue("name", userName);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}