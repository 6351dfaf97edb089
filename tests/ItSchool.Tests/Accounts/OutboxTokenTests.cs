using System.Net;
using ItSchool.Accounts;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Accounts;

/// <summary>
/// A pending mail's token belongs to its recipient: in production the manager's outbox never shows it (with it
/// they could sign in as the parent), and "Renvoyer" sends a new mail with a new token. Only the demo, with no
/// mail server, shows the link, marked as such.
/// </summary>
public sealed class OutboxTokenTests
{
    /// <summary>A production node without SMTP, on a database holding one school (the demo's rows, with a real manager password).</summary>
    public sealed class ProductionNode : IAsyncLifetime
    {
        public const string ManagerPassword = "Namur-Direction-2026";

        public WebNode Web { get; } = new WebNode.WithOutboxOnly { Demo = false };

        public async Task InitializeAsync()
        {
            var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                await Migrations.ApplyAsync(db, NullLogger.Instance);
                await DemoSchool.SeedIfEmptyAsync(db, NullLogger.Instance);
                await using var password = db.CreateCommand("UPDATE users SET password_hash = @hash WHERE user_name = 'claire.dupont'");
                password.Parameters.AddWithValue("hash", PasswordHash.Create(ManagerPassword));
                await password.ExecuteNonQueryAsync();
            }
            await Web.StartAsync(connectionString);
        }

        public Task DisposeAsync() => Web.DisposeAsync();
    }

    public sealed class InProduction(ProductionNode node) : IClassFixture<ProductionNode>
    {
        readonly WebNode web = node.Web;

        [Fact]
        public async Task The_outbox_shows_no_token_and_resending_sends_a_new_one_that_replaces_the_old()
        {
            using var manager = await SignedIn.AsAsync(web, "claire.dupont", ProductionNode.ManagerPassword);
            var marc = await UserIdAsync(web, "marc.dubois");

            var (firstMail, firstToken) = await InviteAsync(web, manager, marc);
            await AssertNoTokenAsync(manager, firstMail, firstToken);

            var (secondMail, secondToken) = await InviteAsync(web, manager, marc);
            Assert.NotEqual(firstMail, secondMail);
            Assert.NotEqual(firstToken, secondToken);
            await AssertNoTokenAsync(manager, secondMail, secondToken);
            var tokens = web.Services.GetRequiredService<LoginTokens>();
            Assert.Equal(TokenState.Replaced, (await tokens.CheckAsync(DemoSchool.Id, firstToken)).State);
            Assert.Equal(TokenState.Valid, (await tokens.CheckAsync(DemoSchool.Id, secondToken)).State);
        }

        static async Task AssertNoTokenAsync(HttpClient manager, Guid mail, string token)
        {
            foreach (var page in new[] { "/e/demo/gestion/courriels", $"/e/demo/gestion/courriels/{mail}" })
            {
                var html = await manager.GetStringAsync(page);
                Assert.DoesNotContain(token, html);
                Assert.DoesNotContain(LoginToken.Normalize(token)!, html);
                Assert.DoesNotContain("premiere-connexion?jeton=" + token[..4], html);
                Assert.DoesNotContain("Mode démo", html);
            }
            Assert.Contains("n'est lisible que par son destinataire", WebUtility.HtmlDecode(await manager.GetStringAsync($"/e/demo/gestion/courriels/{mail}")));
        }
    }

    public sealed class InDemo(WebNode.WithOutboxOnly web) : IClassFixture<WebNode.WithOutboxOnly>
    {
        [Fact]
        public async Task Without_a_mail_server_the_demo_outbox_shows_the_link_marked_as_a_demo_convenience()
        {
            using var manager = await SignedIn.AsAsync(web, "claire.dupont");
            var (mail, token) = await InviteAsync(web, manager, await UserIdAsync(web, "marc.dubois"));

            var html = WebUtility.HtmlDecode(await manager.GetStringAsync($"/e/demo/gestion/courriels/{mail}"));
            Assert.Contains("premiere-connexion?jeton=" + token, html);
            Assert.Contains("Mode démo : le jeton de connexion est affiché ici", html);
        }
    }

    /// <summary>"Renvoyer l'invitation"; the new mail and its token, read from the outbox's own row.</summary>
    static async Task<(Guid Mail, string Token)> InviteAsync(WebNode web, HttpClient manager, Guid parent)
    {
        var sent = await Forms.PostAsync(manager, "/e/demo/gestion/parents", $"/e/demo/gestion/parents/{parent}/invitation");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("""
            SELECT id, secret FROM mail_outbox WHERE recipient_address = 'marc.dubois@example.be' ORDER BY created_at DESC, id DESC LIMIT 1
            """);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetGuid(0), reader.GetString(1));
    }

    static async Task<Guid> UserIdAsync(WebNode web, string userName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        query.Parameters.AddWithValue("name", userName);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}