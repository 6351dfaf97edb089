using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Web;

public sealed class SignInTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_node_is_ready_when_its_database_and_silo_are_up()
    {
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        // Ready once the database and the cluster answer and every live subscription of the node holds.
        HttpResponseMessage? ready = null;
        await Eventually.TrueAsync(async () => (ready = await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        Assert.Equal("Healthy", await ready!.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_parent_of_one_child_lands_in_that_childs_account()
    {
        using var client = web.CreateClient();
        var home = await client.GetAsync("/e/demo/");
        Assert.Equal("/e/demo/tableau-de-bord", home.Headers.Location?.OriginalString);
        var dashboard = await client.GetAsync("/e/demo/tableau-de-bord");
        Assert.StartsWith("/e/demo/connexion", dashboard.Headers.Location?.PathAndQuery);

        var signIn = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "marc.dubois"), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/e/demo/tableau-de-bord", signIn.Headers.Location?.OriginalString);

        var page = await client.GetStringAsync("/e/demo/tableau-de-bord");
        Assert.Contains("Bienvenue, Marc (Chloé)", page);
        Assert.Contains("Chloé Dubois", page);
        Assert.DoesNotContain("Lefèvre", page);
    }

    [Fact]
    public async Task A_wrong_password_gets_the_same_message_as_an_unknown_user_and_no_session()
    {
        using var client = web.CreateClient();
        var wrongPassword = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "amelie.lefevre"), ("Password", "not-her-password"));
        var unknownUser = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "nobody.here"), ("Password", "whatever"));

        foreach (var response in new[] { wrongPassword, unknownUser })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Nom d&#x27;utilisateur ou mot de passe incorrect.", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_is_refused()
    {
        using var client = web.CreateClient();
        var response = await client.PostAsync("/e/demo/connexion", new FormUrlEncodedContent(
            [new("Login", "amelie.lefevre"), new("Password", DemoSchool.Password)]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_session_of_one_school_opens_nothing_in_another_school()
    {
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var insert = db.CreateCommand(
            "INSERT INTO schools (id, slug, name) VALUES (gen_random_uuid(), 'autre', 'Autre école') ON CONFLICT DO NOTHING"))
        {
            await insert.ExecuteNonQueryAsync();
        }
        var cookies = new CookieContainer();
        using var client = web.CreateClient(cookies);
        await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "marc.dubois"), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/e/demo/tableau-de-bord")).StatusCode);

        var elsewhere = await client.GetAsync("/e/autre/tableau-de-bord");
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.StartsWith("/e/autre/connexion", elsewhere.Headers.Location?.PathAndQuery ?? elsewhere.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_accounts_of_one_school_do_not_sign_in_at_another()
    {
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var insert = db.CreateCommand(
            "INSERT INTO schools (id, slug, name) VALUES (gen_random_uuid(), 'voisine', 'École voisine') ON CONFLICT DO NOTHING"))
        {
            await insert.ExecuteNonQueryAsync();
        }
        using var client = web.CreateClient();
        var response = await Forms.PostAsync(client, "/e/voisine/connexion", "/e/voisine/connexion",
            ("Login", "claire.dupont"), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("mot de passe incorrect", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_school_is_not_found()
    {
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/e/nulle-part/connexion")).StatusCode);
    }
}