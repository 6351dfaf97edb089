using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

public sealed class MembershipTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Two_silos_form_one_cluster_through_the_PostgreSQL_membership_table()
    {
        var cluster = await TestSilos.StartAsync(database.ConnectionString, silos: 2, clusterId: "membership-test");
        try
        {
            var hosts = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);

            // Status 3 is SiloStatus.Active in the membership contract.
            var active = await database.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_membership WHERE deployment_id = 'membership-test' AND status = 3");
            Assert.Equal(2, active);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}