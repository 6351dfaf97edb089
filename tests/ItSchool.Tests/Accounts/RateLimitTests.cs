using System.Net;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Accounts;

public sealed class RateLimitTests : IAsyncLifetime
{
    readonly WebNode web = new();

    public async Task InitializeAsync() =>
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:RateLimits:SecretsPerMinute=3");

    public Task DisposeAsync() => web.DisposeAsync();

    [Fact]
    public async Task Sign_in_token_and_reset_endpoints_share_a_per_address_limit()
    {
        using var client = web.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var (page, action, field) in new[]
        {
            ("/e/demo/connexion", "/e/demo/connexion", "Login"),
            ("/e/demo/premiere-connexion", "/e/demo/premiere-connexion", "Token"),
            ("/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", "Email"),
            ("/e/demo/connexion", "/e/demo/connexion", "Login"),
        })
        {
            statuses.Add((await Forms.PostAsync(client, page, action, (field, "x@y.z"), ("Password", "nope"))).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}