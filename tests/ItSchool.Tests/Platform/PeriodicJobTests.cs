using ItSchool.Platform;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ItSchool.Tests.Platform;

/// <summary>The background loops run on the injected clock: a test moves it and the passes follow.</summary>
public sealed class PeriodicJobTests
{
    sealed class CountingJob(TimeProvider clock) : PeriodicJob(clock, NullLogger.Instance)
    {
        readonly List<DateTimeOffset> passes = [];
        public volatile bool FailNext;

        protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

        protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

        public IReadOnlyList<DateTimeOffset> Passes
        {
            get
            {
                lock (passes)
                {
                    return passes.ToList();
                }
            }
        }

        public void RunSoon() => Wake();

        protected override Task RunAsync(CancellationToken cancellationToken)
        {
            lock (passes)
            {
                passes.Add(Clock.GetUtcNow());
            }
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("A pass that fails.");
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_job_runs_after_its_first_delay_then_at_each_tick_when_woken_and_again_after_a_failure()
    {
        var clock = new FakeTimeProvider();
        var start = clock.GetUtcNow();
        using var job = new CountingJob(clock);
        await job.StartAsync(CancellationToken.None);
        Assert.Empty(job.Passes);

        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => job.Passes.Count == 1);
        clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => job.Passes.Count == 2);
        Assert.Equal([start.AddMinutes(1), start.AddMinutes(11)], job.Passes);

        // New work on this node: a pass now, without waiting for the tick.
        job.RunSoon();
        await Eventually.TrueAsync(() => job.Passes.Count == 3);
        Assert.Equal(start.AddMinutes(11), job.Passes[2]);

        job.FailNext = true;
        clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => job.Passes.Count == 4);
        clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => job.Passes.Count == 5);
        Assert.Equal([start.AddMinutes(21), start.AddMinutes(31)], job.Passes.Skip(3));

        await job.StopAsync(CancellationToken.None);
    }
}