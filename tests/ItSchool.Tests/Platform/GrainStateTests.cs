using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

public sealed class GrainStateTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task State_written_by_one_cluster_is_read_back_from_PostgreSQL_by_a_new_one()
    {
        var schoolId = Guid.NewGuid();
        var first = await TestSilos.StartAsync(database.ConnectionString);
        try
        {
            await first.GrainFactory.GetGrain<ISchoolGrain>(schoolId).EnableModuleAsync(SchoolModule.Meetings);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var rows = await database.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE grain_type = 'school-settings'");
        Assert.Equal(1, rows);

        var second = await TestSilos.StartAsync(database.ConnectionString);
        try
        {
            var modules = await second.GrainFactory.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();
            Assert.Equal([SchoolModule.Meetings], modules);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }
}