using System.Net;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Accounts;

public sealed class FormProtectionTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Every_state_changing_school_endpoint_refuses_a_request_without_antiforgery_token()
    {
        var posts = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE") == true)
            .Select(e => e.RoutePattern.RawText!)
            // The terminals' API and the payment providers' webhooks authenticate each request themselves (a
            // bearer key, a signature), never with an ambient cookie: a forged cross-site request has nothing to
            // ride on. They are tested on their own (PosApiTests, payment webhook tests).
            // The operator's pages hang from the installation, not a school: PlatformFormProtectionTests sweeps them.
            .Where(pattern => !pattern.StartsWith("/hubs/") && !pattern.StartsWith("/ops/") && !pattern.StartsWith("/api/")
                && !pattern.StartsWith("/plateforme"))
            .Distinct()
            .ToList();
        Assert.Contains("/connexion", posts);
        Assert.Contains("/deconnexion", posts);

        using var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        foreach (var pattern in posts)
        {
            var url = "/e/demo" + System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", Guid.NewGuid().ToString());
            var answers = new List<HttpStatusCode>();
            foreach (var client in new[] { parent, manager })
            {
                // Multipart, as a form with a file input sends it: every form-reading endpoint accepts it.
                var response = await client.PostAsync(url, new MultipartFormDataContent { { new StringContent("at all"), "Anything" } });
                answers.Add(response.StatusCode);
            }
            // 404 is a role that may not use the endpoint at all; one of the two roles must meet the token check.
            Assert.All(answers, status => Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url}: {status}"));
            Assert.Contains(HttpStatusCode.BadRequest, answers);
        }

        // Nothing happened: both are still signed in.
        Assert.Equal(HttpStatusCode.OK, (await parent.GetAsync("/e/demo/comptes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
    }
}