using ItSchool.Platform;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ItSchool.Tests.Platform;

/// <summary>The jobs that scan every school pass on one node of the cluster at a time, and another takes over when it goes.</summary>
public sealed class JobLeaseTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    sealed class LeasedJob(JobLeases leases, TimeProvider clock) : PeriodicJob(clock, NullLogger.Instance)
    {
        int passes;

        public int Passes => Volatile.Read(ref passes);

        protected override TimeSpan FirstRunAfter => TimeSpan.Zero;

        protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

        protected override JobLeases ClusterLease => leases;

        public void RunSoon() => Wake();

        protected override Task RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref passes);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_lease_is_held_by_one_node_renewed_by_it_and_free_once_released()
    {
        var job = $"test-{Guid.NewGuid():N}";
        var first = new JobLeases(database.Db);
        var second = new JobLeases(database.Db);

        Assert.True(await first.TryTakeAsync(job, TimeSpan.FromMinutes(20)));
        Assert.False(await second.TryTakeAsync(job, TimeSpan.FromMinutes(20)));
        Assert.True(await first.TryTakeAsync(job, TimeSpan.FromMinutes(20)));
        // Releasing what one does not hold changes nothing.
        await second.ReleaseAsync(job);
        Assert.False(await second.TryTakeAsync(job, TimeSpan.FromMinutes(20)));

        await first.ReleaseAsync(job);
        Assert.True(await second.TryTakeAsync(job, TimeSpan.FromMinutes(20)));
        Assert.False(await first.TryTakeAsync(job, TimeSpan.FromMinutes(20)));
    }

    [Fact]
    public async Task A_lease_whose_holder_died_is_taken_once_it_lapsed()
    {
        var job = $"test-{Guid.NewGuid():N}";
        var dead = new JobLeases(database.Db);
        var alive = new JobLeases(database.Db);
        Assert.True(await dead.TryTakeAsync(job, TimeSpan.FromSeconds(1)));
        Assert.False(await alive.TryTakeAsync(job, TimeSpan.FromMinutes(20)));

        await Eventually.TrueAsync(() => alive.TryTakeAsync(job, TimeSpan.FromMinutes(20)), TimeSpan.FromSeconds(15));
        Assert.Equal(alive.Holder, await database.ScalarAsync<Guid>("SELECT holder FROM job_leases WHERE job = @job", ("job", job)));
    }

    [Fact]
    public async Task Of_two_nodes_running_a_leased_job_only_one_passes_and_the_other_takes_over_when_it_stops()
    {
        var clock = new FakeTimeProvider();
        using var first = new LeasedJob(new JobLeases(database.Db), clock);
        using var second = new LeasedJob(new JobLeases(database.Db), clock);
        await first.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => first.Passes == 1);
        await second.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => second.PassesStoodBy == 1);

        clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => first.Passes == 2 && second.PassesStoodBy == 2);
        second.RunSoon();
        await Eventually.TrueAsync(() => second.PassesStoodBy == 3);
        Assert.Equal(0, second.Passes);
        Assert.Equal(0, first.PassesStoodBy);

        // The holder stops and lets go: the other node's next pass is a real one.
        await first.StopAsync(CancellationToken.None);
        second.RunSoon();
        await Eventually.TrueAsync(() => second.Passes == 1);
        await second.StopAsync(CancellationToken.None);
    }
}