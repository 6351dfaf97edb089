using System.Net;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Operators;

/// <summary>A production start: nothing of the demo exists or is accepted, and the operator's account comes from a one-time link.</summary>
public sealed class ProductionStartTests(ProductionNode web) : IClassFixture<ProductionNode>
{
    [Fact]
    public async Task An_empty_database_gets_no_demo_school_and_the_log_gives_a_setup_link()
    {
        await using var fresh = new ProductionNode();
        await fresh.InitializeAsync();
        var link = await fresh.SetupLinkAsync();

        Assert.Equal(0, await fresh.CountAsync("schools"));
        Assert.Equal(0, await fresh.CountAsync("users"));
        Assert.Equal(0, await fresh.CountAsync("pos_terminals"));
        Assert.Equal(0, await fresh.CountAsync("manager_api_keys"));
        Assert.Equal(fresh.BaseAddress.Authority, link.Authority);
        Assert.StartsWith("/plateforme/installation?jeton=", link.PathAndQuery);
        using var client = fresh.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/e/demo/connexion")).StatusCode);
    }

    [Fact]
    public async Task The_root_asks_for_the_schools_own_link_and_lists_no_school()
    {
        using var operatorClient = await PlatformClient.OperatorAsync(web);
        await PlatformClient.CreateSchoolAsync(operatorClient, "discrete", "direction@discrete.example.be");
        using var visitor = web.CreateClient();

        var root = WebUtility.HtmlDecode(await visitor.GetStringAsync("/"));

        Assert.Contains("Utilisez le lien de votre école", root);
        Assert.DoesNotContain("Institut discrete", root);
        Assert.DoesNotContain("e/discrete", root);
    }

    [Fact]
    public async Task The_operator_is_warned_when_no_mail_server_would_carry_the_invitations()
    {
        using var withMail = await PlatformClient.OperatorAsync(web);
        Assert.DoesNotContain("ItSchool__Smtp__Host", await withMail.GetStringAsync("/plateforme"));

        await using var withoutMail = new ProductionNode.WithoutMail();
        await withoutMail.InitializeAsync();
        using var ops = await PlatformClient.OperatorAsync(withoutMail);
        Assert.Contains("ItSchool__Smtp__Host", await ops.GetStringAsync("/plateforme"));
    }

    [Fact]
    public async Task The_demo_password_opens_nothing_in_production_even_when_a_row_holds_it()
    {
        using var operatorClient = await PlatformClient.OperatorAsync(web);
        await PlatformClient.CreateSchoolAsync(operatorClient, "heritee", "direction@heritee.example.be");
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var command = db.CreateCommand("UPDATE users SET password_hash = @hash WHERE lower(email) = 'direction@heritee.example.be'"))
        {
            command.Parameters.AddWithValue("hash", PasswordHash.Create(DemoSchool.Password));
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        using var client = web.CreateClient();

        var answer = await Forms.PostAsync(client, "/e/heritee/connexion", "/e/heritee/connexion",
            ("Login", "direction@heritee.example.be"), ("Password", DemoSchool.Password));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Nom d'utilisateur ou mot de passe incorrect", WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync()));
    }

    [Fact]
    public void The_demo_password_cannot_be_chosen_as_anyone_s_password() =>
        Assert.Equal(PasswordProblem.Published, PasswordRules.Check(DemoSchool.Password, DemoSchool.Password, "claire.gestion"));

    [Fact]
    public async Task A_production_start_without_a_public_address_stops_and_names_the_variable()
    {
        var database = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        await using var node = new WebNode { Demo = false };

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            node.StartAsync(database, "--ItSchool:PublicUrl="));

        Assert.Contains("ItSchool__PublicUrl", failure.Message);
    }

    [Theory]
    [InlineData("http://portail.ecole.be")]
    [InlineData("portail.ecole.be")]
    [InlineData("https://portail.ecole.be/?x=1")]
    public async Task A_public_address_that_is_not_an_https_address_is_refused_at_start(string address)
    {
        var database = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        await using var node = new WebNode { Demo = false };

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            node.StartAsync(database, $"--ItSchool:PublicUrl={address}"));

        Assert.Contains("ItSchool__PublicUrl", failure.Message);
    }

    // The class's node has one operator: the first test to need them creates the account, the others sign in.
}