using System.Net;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Web;

public sealed class ProxyHeadersTests
{
    [Fact]
    public async Task Without_a_configured_proxy_a_client_rotating_X_Forwarded_For_is_still_rate_limited()
    {
        await using var web = await StartAsync();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests],
            await SignInAttemptsAsync(web, ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]));
    }

    [Fact]
    public async Task Behind_a_configured_proxy_the_forwarded_address_is_the_client()
    {
        await using var web = await StartAsync("--ItSchool:Proxies:KnownProxies=10.0.0.5, 127.0.0.1");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            await SignInAttemptsAsync(web, ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests],
            await SignInAttemptsAsync(web, ["198.51.100.7", "198.51.100.7", "198.51.100.7", "198.51.100.7"]));
    }

    [Fact]
    public async Task A_proxy_network_that_is_no_network_stops_the_start_with_the_variable_to_set()
    {
        var web = new WebNode();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:Proxies:KnownNetworks=10.0.0.0/99"));
        Assert.Contains("ItSchool__Proxies__KnownNetworks", failure.Message);
        await web.DisposeAsync();
    }

    static async Task<WebNode> StartAsync(params string[] arguments)
    {
        var web = new WebNode();
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(),
            ["--ItSchool:RateLimits:SecretsPerMinute=3", .. arguments]);
        return web;
    }

    /// <summary>Wrong passwords posted to "Connexion", each claiming to come from the given client address.</summary>
    static async Task<List<HttpStatusCode>> SignInAttemptsAsync(WebNode web, string[] forwardedFor)
    {
        using var client = web.CreateClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/e/demo/connexion"));
        var statuses = new List<HttpStatusCode>();
        foreach (var address in forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/e/demo/connexion")
            {
                Content = new FormUrlEncodedContent([new("Login", "nobody.here"), new("Password", "nope"), new("__RequestVerificationToken", token)]),
            };
            request.Headers.Add("X-Forwarded-For", address);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        return statuses;
    }
}