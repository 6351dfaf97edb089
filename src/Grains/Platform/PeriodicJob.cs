using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Platform;

/// <summary>
/// A background loop: one pass <see cref="FirstRunAfter"/> the node started, then one every
/// <see cref="Interval"/> (a <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>, so tests
/// drive it), or sooner when <see cref="Wake"/> is called. A pass that fails is logged and the next one
/// retries; passes never overlap. Every web node runs every job: a subclass says in its doc comment what
/// makes that safe (a lease row, a row lock, a grain, or work that is idempotent by design); a job with a
/// <see cref="ClusterLease"/> passes only on the node that holds it.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    readonly SemaphoreSlim wake = new(0);
    Task firstRun = Task.CompletedTask;
    int standingBy;

    /// <summary>Passes not run because another node held the <see cref="ClusterLease"/>.</summary>
    public int PassesStoodBy => Volatile.Read(ref standingBy);

    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan FirstRunAfter { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>Given, the job's passes run on one node of the cluster at a time: the one holding its lease, renewed at each pass.</summary>
    protected virtual JobLeases? ClusterLease => null;

    /// <summary>One pass.</summary>
    protected abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Runs a pass now instead of at the next tick (new work arrived on this node).</summary>
    protected void Wake() => wake.Release();

    // The first delay is set here, on the starting thread: ExecuteAsync runs later on the thread pool, maybe after the
    // clock moved, and a delay set then would count from that later moment.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        firstRun = FirstRunAfter > TimeSpan.Zero ? Task.Delay(FirstRunAfter, Clock) : Task.CompletedTask;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ClusterLease is not null)
        {
            try
            {
                // Another node takes the job at its next pass rather than once the lease lapses.
                await ClusterLease.ReleaseAsync(GetType().Name, cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
            {
                Logger.LogDebug(e, "{Job}: the lease was not released; it lapses on its own", GetType().Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await firstRun.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(Interval, Clock);
            Task<bool>? tick = null;
            Task? woken = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (ClusterLease is null || await ClusterLease.TryTakeAsync(GetType().Name, Interval * 2, stoppingToken))
                    {
                        await RunAsync(stoppingToken);
                    }
                    else
                    {
                        Interlocked.Increment(ref standingBy);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Logger.LogWarning(e, "{Job} failed; the next pass retries", GetType().Name);
                }
                // The pending waits carry over: a tick or a wake that came during the pass starts the next one at once.
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                woken ??= wake.WaitAsync(stoppingToken);
                var first = await Task.WhenAny(tick, woken);
                await first;
                if (first == tick)
                {
                    tick = null;
                }
                else
                {
                    woken = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}