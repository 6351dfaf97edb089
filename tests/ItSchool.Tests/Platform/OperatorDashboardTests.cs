using System.Net;
using ItSchool.Tests.Operators;
using ItSchool.Tests.Rig;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Configuration;

namespace ItSchool.Tests.Platform;

/// <summary>A production node whose operator asked for the Orleans dashboard.</summary>
public sealed class DashboardNode : ProductionNode
{
    public DashboardNode() => Arguments = ["--ItSchool:OrleansDashboard=true"];
}

public sealed class OperatorDashboardTests(DashboardNode web) : IClassFixture<DashboardNode>
{
    [Fact]
    public async Task The_signed_in_operator_opens_the_dashboard_from_their_platform_page()
    {
        using var operatorClient = await PlatformClient.OperatorAsync(web);

        Assert.Contains("href=\"plateforme/orleans\"", await operatorClient.GetStringAsync("/plateforme"));
        var page = await operatorClient.GetAsync("/plateforme/orleans/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/plateforme/orleans/ClusterStats")).StatusCode);
    }

    [Fact]
    public async Task A_request_from_the_machine_itself_without_the_operator_session_opens_nothing()
    {
        using var local = web.CreateClient();

        foreach (var path in new[] { "/plateforme/orleans/index.html", "/plateforme/orleans/ClusterStats", "/ops/orleans/index.html" })
        {
            var response = await local.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("Orleans", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void It_is_on_in_demo_mode_and_off_in_production_unless_asked_for()
    {
        static IConfiguration Settings(params (string Key, string Value)[] settings) =>
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

        Assert.False(Operations.HasOrleansDashboard(Settings()));
        Assert.True(Operations.HasOrleansDashboard(Settings(("ItSchool:Demo", "true"))));
        Assert.False(Operations.HasOrleansDashboard(Settings(("ItSchool:Demo", "true"), ("ItSchool:OrleansDashboard", "false"))));
        Assert.True(Operations.HasOrleansDashboard(Settings(("ItSchool:OrleansDashboard", "true"))));
    }
}

public sealed class OperatorDashboardOffTests(ProductionNode web) : IClassFixture<ProductionNode>
{
    [Fact]
    public async Task In_production_without_the_setting_even_the_operator_has_no_dashboard_and_no_link()
    {
        using var operatorClient = await PlatformClient.OperatorAsync(web);

        Assert.DoesNotContain("plateforme/orleans", await operatorClient.GetStringAsync("/plateforme"));
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/plateforme/orleans/index.html")).StatusCode);
    }
}