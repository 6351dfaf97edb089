using System.Net;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Identity = ItSchool.Tests.Accounts.MicrosoftSignInStub.Identity;

namespace ItSchool.Tests.Accounts;

/// <summary>"Se connecter avec Microsoft" end to end over HTTP, against the tests' own OpenID Connect provider.</summary>
public sealed class MicrosoftSignInTests(MicrosoftSignInNode node) : IClassFixture<MicrosoftSignInNode>
{
    WebNode Web => node.Web;
    MicrosoftSignInStub Provider => node.Provider;

    /// <summary>Clicks the button and follows the redirects by hand (provider and back), answering the app's last answer.</summary>
    async Task<HttpResponseMessage> SignInWithMicrosoftAsync(HttpClient client, Identity who)
    {
        Provider.Next = who;
        var start = await client.GetAsync("/e/demo/connexion/microsoft");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(Provider.BaseAddress.ToString(), start.Headers.Location!.ToString());
        var authorize = await client.GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        return await client.GetAsync(authorize.Headers.Location);
    }

    static async Task AssertNoSessionAsync(HttpClient client)
    {
        var dashboard = await client.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Contains("/connexion", dashboard.Headers.Location!.ToString());
    }

    async Task AssertRefusedAsync(HttpClient client, HttpResponseMessage answer, string code, string message)
    {
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal($"/e/demo/connexion?microsoft={code}", answer.Headers.Location!.ToString());
        var page = InLanguage.Text(await client.GetStringAsync(answer.Headers.Location));
        Assert.Contains(message, page);
        await AssertNoSessionAsync(client);
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_button_when_the_school_has_an_application()
    {
        using var anonymous = Web.CreateClient();

        var page = InLanguage.Text(await anonymous.GetStringAsync("/e/demo/connexion"));

        Assert.Contains("Se connecter avec Microsoft", page);
        Assert.Contains("href=\"connexion/microsoft\"", await anonymous.GetStringAsync("/e/demo/connexion"));
    }

    [Fact]
    public async Task A_known_verified_address_signs_in_to_the_dashboard_and_later_sign_ins_go_by_the_link()
    {
        var objectId = Guid.NewGuid().ToString();
        using var client = Web.CreateClient();

        var answer = await SignInWithMicrosoftAsync(client, new Identity("Direction@Demo.Example.be", objectId));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/e/demo/tableau-de-bord", answer.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
        var asked = Provider.LastAuthorize!;
        Assert.Equal("S256", asked["code_challenge_method"]);
        Assert.Equal("code", asked["response_type"]);
        Assert.Equal(Provider.ClientId, asked["client_id"]);
        Assert.Equal($"{Web.BaseAddress.ToString().TrimEnd('/')}/e/demo/connexion/microsoft/retour", asked["redirect_uri"]);
        Assert.False(string.IsNullOrEmpty(asked["nonce"]));
        Assert.False(string.IsNullOrEmpty(asked["state"]));
        var claire = (await Web.Services.GetRequiredService<AccountDirectory>().FindByEmailAsync(DemoSchool.Id, "direction@demo.example.be")).Single();
        Assert.Equal(claire.Id, await Web.Services.GetRequiredService<MicrosoftSignIns>().LinkedUserAsync(DemoSchool.Id, Provider.TenantId, objectId));

        // The address is no longer needed once linked: the same Microsoft identity without one still opens Claire's session.
        using var later = Web.CreateClient();
        var again = await SignInWithMicrosoftAsync(later, new Identity(null, objectId));
        Assert.Equal("/e/demo/tableau-de-bord", again.Headers.Location!.ToString());
        Assert.Contains("Claire", InLanguage.Text(await later.GetStringAsync("/e/demo/tableau-de-bord")));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        using var client = Web.CreateClient();
        var answer = await SignInWithMicrosoftAsync(client, new Identity("direction@demo.example.be", WrongKey: true));
        await AssertRefusedAsync(client, answer, "refused", "La connexion avec Microsoft a été refusée");
    }

    [Fact]
    public async Task A_token_for_another_application_is_refused()
    {
        using var client = Web.CreateClient();
        var answer = await SignInWithMicrosoftAsync(client, new Identity("direction@demo.example.be", Audience: Guid.NewGuid().ToString()));
        await AssertRefusedAsync(client, answer, "refused", "La connexion avec Microsoft a été refusée");
    }

    [Fact]
    public async Task A_token_with_another_nonce_is_refused()
    {
        using var client = Web.CreateClient();
        var answer = await SignInWithMicrosoftAsync(client, new Identity("direction@demo.example.be", Nonce: "replayed"));
        await AssertRefusedAsync(client, answer, "refused", "La connexion avec Microsoft a été refusée");
    }

    [Fact]
    public async Task A_callback_whose_state_is_not_this_browsers_is_refused()
    {
        using var client = Web.CreateClient();
        Provider.Next = new Identity("direction@demo.example.be");
        var start = await client.GetAsync("/e/demo/connexion/microsoft");
        var authorize = await client.GetAsync(start.Headers.Location);
        var forged = authorize.Headers.Location!.ToString().Replace("state=", "state=x", StringComparison.Ordinal);

        await AssertRefusedAsync(client, await client.GetAsync(forged), "refused", "La connexion avec Microsoft a été refusée");
    }

    [Fact]
    public async Task An_address_the_school_does_not_know_gets_a_clear_message_and_no_account()
    {
        var objectId = Guid.NewGuid().ToString();
        using var client = Web.CreateClient();

        var answer = await SignInWithMicrosoftAsync(client, new Identity("inconnu@example.be", objectId));

        await AssertRefusedAsync(client, answer, "unknown", "Aucun compte de l'école ne porte l'adresse e-mail de ce compte Microsoft.");
        Assert.Empty(await Web.Services.GetRequiredService<AccountDirectory>().FindByEmailAsync(DemoSchool.Id, "inconnu@example.be"));
        Assert.Null(await Web.Services.GetRequiredService<MicrosoftSignIns>().LinkedUserAsync(DemoSchool.Id, Provider.TenantId, objectId));
    }

    [Fact]
    public async Task The_manager_sees_the_redirect_address_never_the_secret_and_bad_input_changes_nothing()
    {
        using var claire = await SignedIn.AsAsync(Web, "claire.dupont");
        var store = Web.Services.GetRequiredService<MicrosoftSignIns>();
        var before = await store.SchoolApplicationAsync(DemoSchool.Id);

        var page = await claire.GetStringAsync("/e/demo/gestion/microsoft");
        var bad = await Forms.PostAsync(claire, "/e/demo/gestion/microsoft", "/e/demo/gestion/microsoft",
            ("TenantId", Provider.TenantId), ("ClientId", "pas-un-guid"), ("ClientSecret", "nouveau"));

        Assert.Contains(Provider.ClientId, page);
        Assert.Contains("/e/demo/connexion/microsoft/retour", page);
        Assert.DoesNotContain(MicrosoftSignInStub.ClientSecret, page);
        Assert.DoesNotContain(before!.ProtectedSecret, page);
        Assert.Contains("L'ID d'application (client) est un GUID.", InLanguage.Text(await bad.Content.ReadAsStringAsync()));
        Assert.Equal(before, await store.SchoolApplicationAsync(DemoSchool.Id));
        using var marc = await SignedIn.AsAsync(Web, "marc.dubois");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync("/e/demo/gestion/microsoft")).StatusCode);
    }
}