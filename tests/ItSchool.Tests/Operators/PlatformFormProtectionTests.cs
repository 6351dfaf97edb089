using System.Net;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Operators;

public sealed class PlatformFormProtectionTests(ProductionNode web) : IClassFixture<ProductionNode>
{
    [Fact]
    public async Task Every_operator_form_refuses_a_request_without_antiforgery_token_and_changes_nothing()
    {
        var posts = web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText!)
            .Where(pattern => pattern.StartsWith("/plateforme"))
            .Distinct()
            .ToList();
        Assert.Contains("/plateforme/ecoles/nouvelle", posts);
        Assert.Contains("/plateforme/installation", posts);
        using var ops = await PlatformClient.OperatorAsync(web);
        var schools = await web.CountAsync("schools");

        foreach (var pattern in posts)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", Guid.NewGuid().ToString());
            var response = await ops.PostAsync(url, new MultipartFormDataContent { { new StringContent("at all"), "Anything" } });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {response.StatusCode}");
        }

        Assert.Equal(schools, await web.CountAsync("schools"));
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/plateforme")).StatusCode);
    }
}