using System.Net;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Schools;

/// <summary>
/// What every feature declares through its contract holds, read from the features themselves (so a new
/// feature is checked without touching this test): each menu line of a feature leads to a page its roles can
/// open, shows and answers only while the school has the feature's module on. This class has its own node:
/// the demo school's modules go off and on here.
/// </summary>
public sealed class FeatureContractTests(WebNode web) : IClassFixture<WebNode>
{
    static readonly Dictionary<Role, string> DemoUser = new()
    {
        [Role.Parent] = "marc.dubois",
        [Role.Manager] = "claire.dupont",
        [Role.Teacher] = "julien.peeters",
        [Role.Canteen] = "karim.benali",
    };

    ISchoolGrain School => web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);

    [Fact]
    public async Task Every_menu_line_of_a_feature_opens_for_its_roles_only_while_the_module_is_on()
    {
        var features = web.Services.GetRequiredService<Features>().All;
        var clients = new Dictionary<Role, HttpClient>();
        foreach (var (role, user) in DemoUser)
        {
            clients[role] = await SignedIn.AsAsync(web, user);
        }
        var checkedLines = 0;
        foreach (var feature in features.Where(f => f.Module is not null))
        {
            foreach (var entry in feature.Menu)
            {
                foreach (var role in entry.Roles)
                {
                    var client = clients[role];
                    var on = await client.GetAsync($"/e/demo/{entry.Href}");
                    Assert.True(on.StatusCode == HttpStatusCode.OK, $"{entry.Href} as {role} with {feature.Module} on: {on.StatusCode}");
                    Assert.Contains($"href=\"{entry.Href}\"", await client.GetStringAsync("/e/demo/tableau-de-bord"));

                    await School.DisableModuleAsync(feature.Module!.Value);
                    try
                    {
                        var off = await client.GetAsync($"/e/demo/{entry.Href}");
                        Assert.True(off.StatusCode == HttpStatusCode.NotFound, $"{entry.Href} as {role} with {feature.Module} off: {off.StatusCode}");
                        Assert.DoesNotContain($"href=\"{entry.Href}\"", await client.GetStringAsync("/e/demo/tableau-de-bord"));
                    }
                    finally
                    {
                        await School.EnableModuleAsync(feature.Module!.Value);
                    }
                    checkedLines++;
                }
            }
        }
        Assert.True(checkedLines >= 10, $"Only {checkedLines} menu lines were declared by the features with a module.");
    }

    [Fact]
    public async Task The_menu_lists_each_roles_lines_in_the_features_positions_and_no_one_elses()
    {
        var features = web.Services.GetRequiredService<Features>().All;
        foreach (var (role, user) in DemoUser)
        {
            using var client = await SignedIn.AsAsync(web, user);
            var page = await client.GetStringAsync("/e/demo/tableau-de-bord");
            var menu = page[page.IndexOf("<nav", StringComparison.Ordinal)..page.IndexOf("</nav>", StringComparison.Ordinal)];
            var expected = features.SelectMany(f => f.Menu).Prepend(MenuEntry.Dashboard).Where(e => e.Roles.Contains(role))
                .OrderBy(e => e.Position).Select(e => e.Href).ToList();
            var shown = expected.Select(href => menu.IndexOf($"href=\"{href}\"", StringComparison.Ordinal)).ToList();
            Assert.DoesNotContain(-1, shown);
            Assert.Equal(shown.Order(), shown);
            var others = features.SelectMany(f => f.Menu).Where(e => !e.Roles.Contains(role) && !expected.Contains(e.Href));
            Assert.All(others, e => Assert.DoesNotContain($"href=\"{e.Href}\"", menu));
        }
    }
}