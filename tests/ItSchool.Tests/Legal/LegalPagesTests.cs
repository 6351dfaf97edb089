using System.Net;
using ItSchool.Accounts;
using ItSchool.Legal;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Legal;

/// <summary>The school's terms and privacy policy: read signed out, per school, edited by the manager only, accepted by parents.</summary>
public sealed class LegalPagesTests(WebNode web) : IClassFixture<WebNode>
{
    LegalTexts Texts => web.Services.GetRequiredService<LegalTexts>();

    [Fact]
    public async Task Signed_out_readers_reach_both_texts_from_the_sign_in_page()
    {
        using var anonymous = web.CreateClient();

        var signIn = await anonymous.GetStringAsync("/e/demo/connexion");
        var terms = InLanguage.Text(await anonymous.GetStringAsync("/e/demo/conditions-utilisation"));
        var privacy = InLanguage.Text(await anonymous.GetStringAsync("/e/demo/protection-des-donnees"));

        Assert.Contains("href=\"conditions-utilisation\"", signIn);
        Assert.Contains("href=\"protection-des-donnees\"", signIn);
        Assert.Contains("Conditions générales d'utilisation", terms);
        Assert.Contains("Version 1 du", terms);
        Assert.Contains("portail d'École de démo", terms);
        Assert.Contains("Politique de protection des données", privacy);
        Assert.Contains("École de démo est le responsable du traitement", privacy);
        Assert.Contains("sous-traitant", privacy);
        Assert.Contains("Autorité de protection des données", privacy);
        Assert.Contains("catégorie particulière de données", privacy);
    }

    [Theory]
    [InlineData("nl-BE", "Privacybeleid", "Gegevensbeschermingsautoriteit")]
    [InlineData("en-BE", "Privacy policy", "Belgian Data Protection Authority")]
    public async Task The_privacy_policy_reads_in_the_readers_language(string culture, string title, string authority)
    {
        // Signed out, as read from the sign-in page's language chooser (the school's own language comes before the browser's).
        using var reader = web.CreateClient();

        var privacy = InLanguage.Text(await reader.GetStringAsync($"/e/demo/protection-des-donnees?culture={culture}"));

        Assert.Contains(title, privacy);
        Assert.Contains(authority, privacy);
        Assert.DoesNotContain("Autorité de protection des données", privacy);
        Assert.DoesNotContain("Politique de protection des données", privacy);
    }

    [Fact]
    public async Task A_school_never_shows_another_schools_text()
    {
        var db = web.Services.GetRequiredService<NpgsqlDataSource>();
        var (otherId, slug) = await OtherSchoolAsync(db);
        var (manager, _) = await new StaffAccounts(db).CreateAsync(otherId, new NewParent("Anne", "Autre", "anne@autre.example.be"), Role.Manager);
        await Texts.PublishAsync(otherId, LegalKind.Terms, new Dictionary<string, string> { ["fr"] = "# Règlement de l'école Autre\nSeulement ici." },
            manager!.Id, DateTimeOffset.UtcNow);
        using var anonymous = web.CreateClient();

        var theirs = InLanguage.Text(await anonymous.GetStringAsync($"/e/{slug}/conditions-utilisation"));
        var theirPrivacy = InLanguage.Text(await anonymous.GetStringAsync($"/e/{slug}/protection-des-donnees"));
        var demo = InLanguage.Text(await anonymous.GetStringAsync("/e/demo/conditions-utilisation"));

        Assert.Contains("Règlement de l'école Autre", theirs);
        Assert.DoesNotContain("Règlement de l'école Autre", demo);
        Assert.DoesNotContain("École de démo", theirs);
        Assert.Contains("École Autre est le responsable du traitement", theirPrivacy);
        Assert.DoesNotContain("École de démo", theirPrivacy);
    }

    [Fact]
    public async Task Only_the_manager_publishes_a_new_version_bad_input_changes_nothing_and_parents_accept_it()
    {
        var v1 = (await Texts.CurrentAsync(DemoSchool.Id, LegalKind.Terms))!;
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        using var anonymous = web.CreateClient();
        var marcId = (Guid)(await Scalar("SELECT id FROM users WHERE school_id = @school AND user_name = 'marc.dubois'"))!;
        var parents = (int)(long)(await Scalar("SELECT count(*) FROM users WHERE school_id = @school AND role = 'parent'"))!;

        Assert.Equal(HttpStatusCode.NotFound, (await Post(marc, "Nouveau texte")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Post(anonymous, "Nouveau texte")).StatusCode);
        Assert.Contains("Écrivez le texte dans au moins une langue.", await (await Post(claire, "  ", " ", "")).Content.ReadAsStringAsync());
        Assert.Contains("50 000 caractères", await (await Post(claire, new string('a', LegalTexts.MaxLength + 1))).Content.ReadAsStringAsync());
        Assert.Contains("identique à la version en vigueur",
            await (await Post(claire, v1.Texts["fr"], v1.Texts["nl"], v1.Texts["en"])).Content.ReadAsStringAsync());
        Assert.Equal(1, (await Texts.CurrentAsync(DemoSchool.Id, LegalKind.Terms))!.Number);

        var published = await Post(claire, "# Règles <script>alert(1)</script>\nLigne un\nLigne deux\n\n- un point", "", "");

        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Contains("ok=published&n=2", published.Headers.Location!.OriginalString);
        var admin = await claire.GetStringAsync(published.Headers.Location);
        Assert.Contains("Version 2 publiée.", admin);
        var page = await anonymous.GetStringAsync("/e/demo/conditions-utilisation");
        Assert.Contains("Version 2 du", page);
        Assert.Contains("<h2>Règles &lt;script&gt;alert(1)&lt;/script&gt;</h2>", page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.Contains("<li>un point</li>", page);
        // French only: a Dutch reader gets the French text rather than nothing.
        using var dutch = web.CreateClient();
        var inDutch = await dutch.GetStringAsync("/e/demo/conditions-utilisation?culture=nl-BE");
        Assert.Contains("Ligne deux", inDutch);
        Assert.Contains("lang=\"nl-BE\"", inDutch);

        // The parent, who accepted version 1 with the demo, meets version 2 before the dashboard.
        var gated = await marc.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(HttpStatusCode.Redirect, gated.StatusCode);
        Assert.Equal("/e/demo/conditions-utilisation/accepter?retour=%2Fe%2Fdemo%2Ftableau-de-bord", gated.Headers.Location!.OriginalString);
        Assert.Null(await Texts.AcceptedAtAsync(DemoSchool.Id, marcId, 2));
        var accepted = await Forms.PostAsync(marc, gated.Headers.Location.OriginalString, "/e/demo/conditions-utilisation/accepter",
            ("Version", "2"), ("ReturnUrl", "/e/demo/tableau-de-bord"));

        Assert.Equal("/e/demo/tableau-de-bord", accepted.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await marc.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        var moment = await Texts.AcceptedAtAsync(DemoSchool.Id, marcId, 2);
        Assert.NotNull(moment);
        Assert.Equal(web.Clock.GetUtcNow().UtcDateTime, moment.Value.UtcDateTime, TimeSpan.FromSeconds(1));
        var history = await Texts.HistoryAsync(DemoSchool.Id, LegalKind.Terms);
        Assert.Equal([2, 1], history.Select(v => v.Number));
        Assert.Equal(1, history[0].Acceptances);
        Assert.Equal(parents, history[1].Acceptances);
        Assert.Contains("data-accepted=\"2\">1</td>", await claire.GetStringAsync("/e/demo/gestion/conditions-utilisation"));
    }

    async Task<object?> Scalar(string sql)
    {
        await using var command = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return await command.ExecuteScalarAsync();
    }

    static async Task<HttpResponseMessage> Post(HttpClient client, string fr, string? nl = null, string? en = null)
    {
        // Signed out or as a parent the form is not offered: the token comes from the sign-in page.
        var page = await client.GetAsync("/e/demo/gestion/conditions-utilisation");
        var html = page.StatusCode == HttpStatusCode.OK ? await page.Content.ReadAsStringAsync() : await client.GetStringAsync("/e/demo/connexion");
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(html),
            ["TextFr"] = fr,
            ["TextNl"] = nl ?? "",
            ["TextEn"] = en ?? "",
        };
        return await client.PostAsync("/e/demo/gestion/conditions-utilisation", new FormUrlEncodedContent(fields));
    }

    static async Task<(Guid Id, string Slug)> OtherSchoolAsync(NpgsqlDataSource db)
    {
        var id = Guid.NewGuid();
        var slug = $"autre-{id:N}"[..20];
        await using var insert = db.CreateCommand("INSERT INTO schools (id, slug, name) VALUES (@id, @slug, 'École Autre')");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("slug", slug);
        await insert.ExecuteNonQueryAsync();
        return (id, slug);
    }
}