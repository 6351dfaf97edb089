using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

public sealed class ClusterModeTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_web_node_without_its_own_silo_serves_pages_from_the_standalone_silos()
    {
        var silos = await TestSilos.StartAsync(database.ConnectionString, silos: 2, clusterId: "web-as-client");
        await using var web = new WebNode();
        try
        {
            await web.StartAsync(database.ConnectionString, "--ItSchool:HostSilo=false", "--Orleans:ClusterId=web-as-client");
            using var client = web.CreateClient();
            await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
                because: "The web node never became ready.");

            // The dashboard's menu asks the school grain, which lives on the standalone silos.
            await silos.GrainFactory.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Wallets);
            await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
                ("Login", "claire.dupont"), ("Password", DemoSchool.Password));
            var dashboard = await client.GetStringAsync("/e/demo/tableau-de-bord");
            Assert.Contains("4 élèves dans 3 classes", dashboard);
        }
        finally
        {
            await web.DisposeAsync();
            await silos.StopAllSilosAsync();
            await silos.DisposeAsync();
        }
    }
}