using System.Net;
using ItSchool.Accounts;
using ItSchool.Tests.Operators;
using ItSchool.Tests.Rig;
using ItSchool.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Accounts;

/// <summary>
/// The operator's Microsoft application for the whole installation: only the operator sets it, its secret is stored
/// protected and never shown back, and every school without its own offers the button with it.
/// </summary>
public sealed class InstallationMicrosoftTests(MicrosoftSignInNode node) : IClassFixture<MicrosoftSignInNode>
{
    WebNode Web => node.Web;
    MicrosoftSignIns Store => Web.Services.GetRequiredService<MicrosoftSignIns>();

    [Fact]
    public async Task A_school_without_its_own_application_offers_the_button_once_the_operator_set_the_installations()
    {
        var operatorClient = await PlatformClient.OperatorOfAsync(Web);
        var slug = $"ms{Guid.NewGuid().ToString("N")[..8]}";
        Assert.Equal(HttpStatusCode.Redirect, (await PlatformClient.CreateSchoolAsync(operatorClient, slug, $"gestion@{slug}.example.be")).StatusCode);
        using var anonymous = Web.CreateClient();
        await Store.RemoveForInstallationAsync();
        Assert.DoesNotContain("Se connecter avec Microsoft", InLanguage.Text(await anonymous.GetStringAsync($"/e/{slug}/connexion")));

        var page = await operatorClient.GetStringAsync("/plateforme/microsoft");
        Assert.Contains($"/e/{slug}{MicrosoftSignIn.CallbackPath}", page);
        var saved = await Forms.PostAsync(operatorClient, "/plateforme/microsoft", "/plateforme/microsoft",
            ("TenantId", node.Provider.TenantId), ("ClientId", node.Provider.ClientId), ("ClientSecret", MicrosoftSignInStub.ClientSecret));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await Store.InstallationApplicationAsync();
        Assert.NotNull(stored);
        Assert.Equal(node.Provider.ClientId, stored.ClientId);
        Assert.NotEqual(MicrosoftSignInStub.ClientSecret, stored.ProtectedSecret);
        Assert.Equal(MicrosoftSignInStub.ClientSecret, MicrosoftSecrets.Unprotect(Web.Services, stored.ProtectedSecret));
        var shown = await operatorClient.GetStringAsync("/plateforme/microsoft");
        Assert.DoesNotContain(MicrosoftSignInStub.ClientSecret, shown);
        Assert.DoesNotContain(stored.ProtectedSecret, shown);
        Assert.Contains("Se connecter avec Microsoft", InLanguage.Text(await anonymous.GetStringAsync($"/e/{slug}/connexion")));
        var start = await anonymous.GetAsync($"/e/{slug}/connexion/microsoft");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(node.Provider.BaseAddress.ToString(), start.Headers.Location!.ToString());

        // Saved again without a secret: the stored one is kept.
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(operatorClient, "/plateforme/microsoft", "/plateforme/microsoft",
            ("TenantId", node.Provider.TenantId), ("ClientId", node.Provider.ClientId), ("ClientSecret", ""))).StatusCode);
        Assert.Equal(stored.ProtectedSecret, (await Store.InstallationApplicationAsync())!.ProtectedSecret);

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(operatorClient, "/plateforme/microsoft", "/plateforme/microsoft/retirer")).StatusCode);
        Assert.Null(await Store.InstallationApplicationAsync());
        Assert.DoesNotContain("Se connecter avec Microsoft", InLanguage.Text(await anonymous.GetStringAsync($"/e/{slug}/connexion")));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_reason_and_changes_nothing()
    {
        var operatorClient = await PlatformClient.OperatorOfAsync(Web);
        await Store.RemoveForInstallationAsync();

        var answer = await Forms.PostAsync(operatorClient, "/plateforme/microsoft", "/plateforme/microsoft",
            ("TenantId", node.Provider.TenantId), ("ClientId", "pas-un-guid"), ("ClientSecret", "s3cret"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("L'ID d'application (client) est un GUID.", InLanguage.Text(await answer.Content.ReadAsStringAsync()));
        Assert.Null(await Store.InstallationApplicationAsync());
    }

    [Fact]
    public async Task A_school_manager_can_neither_see_nor_save_the_installations_application()
    {
        var manager = await SignedIn.AsAsync(Web, "claire.dupont");
        var operatorPage = await PlatformClient.OperatorOfAsync(Web);
        var token = Forms.AntiforgeryToken(await operatorPage.GetStringAsync("/plateforme/microsoft"));
        var before = await Store.InstallationApplicationAsync();

        var page = await manager.GetAsync("/plateforme/microsoft");
        var post = await manager.PostAsync("/plateforme/microsoft", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["TenantId"] = "evil.example",
            ["ClientId"] = Guid.NewGuid().ToString(),
            ["ClientSecret"] = "x",
        }));
        var removal = await manager.PostAsync("/plateforme/microsoft/retirer", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        foreach (var refused in new[] { page, post, removal })
        {
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest
                || (refused.StatusCode == HttpStatusCode.Redirect && refused.Headers.Location!.ToString().Contains("/plateforme/connexion")),
                $"{refused.RequestMessage!.Method} {refused.RequestMessage.RequestUri}: {refused.StatusCode} {refused.Headers.Location}");
        }
        Assert.Equal(before, await Store.InstallationApplicationAsync());
    }
}