using System.Net;
using ItSchool.Tests.Rig;
using ItSchool.Web.Accounts;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.Web;

public sealed class SecurityHeadersTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("/e/demo/connexion", HttpStatusCode.OK)]
    [InlineData("/e/demo/tableau-de-bord", HttpStatusCode.Redirect)]
    [InlineData("/e/demo/css/site.css", HttpStatusCode.OK)]
    [InlineData("/api/pos/v1/cards/04A1B2C3D4E504", HttpStatusCode.Unauthorized)]
    [InlineData("/api/admin/v1/bank-statements", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/e/demo/nulle-part", HttpStatusCode.NotFound)]
    public async Task Pages_files_and_APIs_carry_the_security_headers(string path, HttpStatusCode status)
    {
        using var client = web.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        // Demo mode on http://127.0.0.1: no HSTS, cookies work over http.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_demo_on_http_keeps_cookies_usable_over_http()
    {
        using var client = web.CreateClient();
        var page = await client.GetAsync("/e/demo/connexion");
        Assert.DoesNotContain(page.Headers.GetValues("Set-Cookie"), cookie => cookie.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(CookieSecurePolicy.SameAsRequest, SessionCookiePolicy(web));
    }

    [Fact]
    public async Task In_production_over_https_HSTS_is_sent_and_cookies_travel_only_over_https()
    {
        await using var production = new WebNode { Demo = false };
        await production.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(),
            "--ItSchool:PublicUrl=https://portail.example", "--ItSchool:Proxies:KnownProxies=127.0.0.1");
        using var client = production.CreateClient();

        // As the TLS proxy on the machine relays it.
        using var relayed = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "X-Forwarded-Proto", "https" } } };
        var root = await client.SendAsync(relayed);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("max-age=31536000", Header(root, "Strict-Transport-Security"));
        var antiforgery = Assert.Single(root.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CookieSecurePolicy.Always, SessionCookiePolicy(production));

        // Plain http (typed, or through a proxy that is not trusted) is sent to https.
        var plain = await client.GetAsync("/e/ecole/connexion?x=1");
        Assert.Equal(HttpStatusCode.PermanentRedirect, plain.StatusCode);
        Assert.Equal("https://127.0.0.1/e/ecole/connexion?x=1", plain.Headers.Location?.AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task In_production_on_a_local_http_address_there_is_no_HSTS()
    {
        await using var production = new WebNode { Demo = false };
        await production.InitializeAsync();
        using var client = production.CreateClient();
        var root = await client.GetAsync("/");
        Assert.False(root.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(CookieSecurePolicy.SameAsRequest, SessionCookiePolicy(production));
    }

    static CookieSecurePolicy SessionCookiePolicy(WebNode node) =>
        node.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(Sessions.Scheme).Cookie.SecurePolicy;

    static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} missing on {response.RequestMessage?.RequestUri}");
}