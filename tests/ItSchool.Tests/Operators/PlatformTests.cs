using System.Net;
using System.Text.RegularExpressions;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Operators;

/// <summary>The operator's pages over HTTP: their account, schools and their first manager, suspension.</summary>
public sealed class PlatformTests(ProductionNode web) : IClassFixture<ProductionNode>
{
    [Fact]
    public async Task The_setup_link_works_once_then_the_operator_signs_in_with_their_password()
    {
        await using var fresh = new ProductionNode();
        await fresh.InitializeAsync();
        var link = await fresh.SetupLinkAsync();
        using (var first = fresh.CreateClient())
        {
            var created = await PlatformClient.CreateOperatorAsync(first, link, "premier");
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
            Assert.Contains("Écoles", WebUtility.HtmlDecode(await first.GetStringAsync("/plateforme")));
        }

        using var second = fresh.CreateClient();
        Assert.Contains("n'est plus valable", WebUtility.HtmlDecode(await second.GetStringAsync(link.PathAndQuery)));
        var again = await PlatformClient.CreateOperatorAsync(second, link, "second");
        Assert.Contains("n'est plus valable", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
        Assert.Equal(1, await fresh.CountAsync("platform_operators"));

        var wrong = await Forms.PostAsync(second, "/plateforme/connexion", "/plateforme/connexion", ("Login", "premier"), ("Password", "pas-le-bon-1"));
        Assert.Contains("incorrect", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()));
        var right = await Forms.PostAsync(second, "/plateforme/connexion", "/plateforme/connexion",
            ("Login", "olivia@plateforme.example.be"), ("Password", PlatformClient.Password));
        Assert.Equal("/plateforme", right.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Without_the_operators_session_the_platform_is_closed_even_to_a_schools_manager()
    {
        using var anonymous = web.CreateClient();
        var answer = await anonymous.GetAsync("/plateforme");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/plateforme/connexion", answer.Headers.Location!.AbsolutePath);

        var created = await CreateSchoolAsync("fermee", "direction@fermee.example.be");
        var manager = await ManagerSignedInAsync("fermee", "direction@fermee.example.be");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/e/fermee/tableau-de-bord")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.GetAsync("/plateforme")).StatusCode);
        var forged = await Forms.PostAsync(manager, "/e/fermee/tableau-de-bord", $"/plateforme/ecoles/{created}/suspendre");
        Assert.NotEqual(HttpStatusCode.OK, forged.StatusCode);
        Assert.False((await web.Services.GetRequiredService<SchoolDirectory>().FindByIdAsync(created))!.Suspended);
    }

    [Fact]
    public async Task A_new_school_gets_its_modules_bank_account_and_an_invited_manager_and_a_double_submit_creates_it_once()
    {
        using var ops = await PlatformClient.OperatorAsync(web);
        var page = await ops.GetStringAsync("/plateforme/ecoles/nouvelle");
        var id = Regex.Match(page, "name=\"Id\" value=\"([^\"]+)\"").Groups[1].Value;
        (string, string)[] fields =
        [
            ("Id", id), ("Name", "Athénée Royal d'Uccle"), ("Slug", "ar-uccle"), ("Host", "Portail.AR-Uccle.example.be"),
            ("PostalAddress", "Avenue Montjoie 1, 1180 Uccle"), ("EnterpriseNumber", "0123 456 749"),
            ("Iban", "BE71 0961 2345 6769"), ("Bic", "GKCCBEBB"), ("Beneficiary", "AR Uccle ASBL"),
            ("ManagerFirstName", "Nadia"), ("ManagerLastName", "Ben Salah"), ("ManagerEmail", "direction@ar-uccle.example.be"),
            ("Modules", "Wallets"), ("Modules", "Meetings"),
        ];

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Forms.PostAsync(ops, "/plateforme/ecoles/nouvelle", "/plateforme/ecoles/nouvelle", fields)));

        Assert.All(answers, a => Assert.Equal($"/plateforme/ecoles/{id}?ok=creee", a.Headers.Location?.ToString()));
        var school = await web.Services.GetRequiredService<SchoolDirectory>().FindBySlugAsync("ar-uccle");
        Assert.Equal("portail.ar-uccle.example.be", school!.Host);
        var modules = await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(school.Id).GetEnabledModulesAsync();
        Assert.Equal([SchoolModule.Wallets, SchoolModule.Meetings], modules.Order());
        var details = WebUtility.HtmlDecode(await ops.GetStringAsync($"/plateforme/ecoles/{id}"));
        Assert.Contains("0123.456.749", details);
        Assert.Contains("Avenue Montjoie 1, 1180 Uccle", details);

        var mail = await web.Mail.WaitForMailToAsync("direction@ar-uccle.example.be");
        await Eventually.TrueAsync(() => web.Mail.Received.Count(m => m.To.ToString().Contains("ar-uccle")) == 1);
        Assert.Contains("Athénée Royal d'Uccle", mail.Subject);
        // The school has its own host name: the invitation leads there, never to the address the operator used.
        Assert.StartsWith("http://portail.ar-uccle.example.be/premiere-connexion?jeton=", MailLinks.FirstConnectionIn(mail));

        // A lost mail: the operator sends a new invitation, whose token replaces the first; they never see either.
        var manager = Regex.Match(details, @"responsables/([0-9a-f-]{36})/invitation").Groups[1].Value;
        Assert.DoesNotContain("jeton", details);
        var resent = await Forms.PostAsync(ops, $"/plateforme/ecoles/{id}", $"/plateforme/ecoles/{id}/responsables/{manager}/invitation");
        Assert.Equal($"/plateforme/ecoles/{id}?ok=invitation", resent.Headers.Location?.ToString());
        await Eventually.TrueAsync(() => web.Mail.Received.Count(m => m.To.ToString().Contains("ar-uccle")) == 2);
    }

    [Theory]
    [InlineData("Slug", "Avec Espace", "L'identifiant compte")]
    [InlineData("Slug", "fermee", "déjà cet identifiant")]
    [InlineData("Host", "pas un hôte", "nom d'hôte n'est pas valable")]
    [InlineData("EnterpriseNumber", "0123.456.789", "numéro d'entreprise n'est pas valable")]
    [InlineData("Iban", "BE00 0000 0000 0000", "IBAN n'est pas valable")]
    [InlineData("ManagerEmail", "pas-une-adresse", "adresse e-mail du gestionnaire n'est pas valable")]
    public async Task A_wrong_field_is_named_and_creates_nothing(string field, string value, string message)
    {
        await CreateSchoolAsync("fermee", "direction@fermee.example.be");
        using var ops = await PlatformClient.OperatorAsync(web);
        var before = await web.CountAsync("schools");

        var answer = await PlatformClient.CreateSchoolAsync(ops, field == "Slug" ? value : "nouvelle-ecole",
            field == "ManagerEmail" ? value : "direction@nouvelle.example.be", field is "Slug" or "ManagerEmail" ? [] : [(field, value)]);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync()));
        Assert.Equal(before, await web.CountAsync("schools"));
    }

    [Fact]
    public async Task A_suspended_school_answers_suspended_everywhere_keeps_its_data_and_reopens()
    {
        var id = await CreateSchoolAsync("en-pause", "direction@en-pause.example.be");
        using var manager = await ManagerSignedInAsync("en-pause", "direction@en-pause.example.be");
        using var ops = await PlatformClient.OperatorAsync(web);
        await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(id).EnableModuleAsync(SchoolModule.PointOfSale);
        var (_, key) = await web.Services.GetRequiredService<Terminals>().CreateAsync(id, "Cantine", TerminalKind.Canteen, 1);
        using var till = web.CreateClient();
        till.DefaultRequestHeaders.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.NotFound, (await till.GetAsync("/api/pos/v1/cards/0000")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(ops, $"/plateforme/ecoles/{id}", $"/plateforme/ecoles/{id}/suspendre")).StatusCode);

        var page = await manager.GetAsync("/e/en-pause/tableau-de-bord");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("Cette école est suspendue", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await web.CreateClient().GetAsync("/e/en-pause/connexion")).StatusCode);
        Assert.Contains("Suspendue depuis", WebUtility.HtmlDecode(await ops.GetStringAsync("/plateforme")));
        var refused = await till.GetAsync("/api/pos/v1/cards/0000");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("school_suspended", await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(ops, $"/plateforme/ecoles/{id}", $"/plateforme/ecoles/{id}/rouvrir")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/e/en-pause/tableau-de-bord")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await till.GetAsync("/api/pos/v1/cards/0000")).StatusCode);
    }

    async Task<Guid> CreateSchoolAsync(string slug, string managerEmail)
    {
        if (await web.Services.GetRequiredService<SchoolDirectory>().FindBySlugAsync(slug) is { } existing)
        {
            return existing.Id;
        }
        using var ops = await PlatformClient.OperatorAsync(web);
        var created = await PlatformClient.CreateSchoolAsync(ops, slug, managerEmail);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return Guid.Parse(created.Headers.Location!.ToString().Split('/')[3].Split('?')[0]);
    }

    /// <summary>The invited manager chooses a password through the mail's link and is signed in.</summary>
    async Task<HttpClient> ManagerSignedInAsync(string slug, string email)
    {
        var mail = await web.Mail.WaitForMailToAsync(email);
        var link = new Uri(MailLinks.FirstConnectionIn(mail));
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["jeton"]!;
        var client = web.CreateClient();
        var chosen = await Forms.PostAsync(client, link.PathAndQuery, $"/e/{slug}/premiere-connexion/mot-de-passe",
            ("Token", token), ("Password", "Ecole-2026-ok"), ("Confirmation", "Ecole-2026-ok"));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        return client;
    }
}