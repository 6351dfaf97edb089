using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ItSchool.Platform.Orleans;

/// <summary>
/// A web node that joins the cluster as a client keeps trying until a silo answers, instead of failing its start: the
/// silos may still be starting (a whole cluster restarted at once, an orchestrator that starts containers in any order),
/// and the node only begins serving once it is connected, so a balancer sends nobody to it meanwhile.
/// </summary>
// Real time, not the application's clock: this is about processes starting, and a test's clock may stand still.
sealed class ClusterConnectionRetry(ILogger<ClusterConnectionRetry> logger) : IClientConnectionRetryFilter
{
    static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    static readonly TimeSpan Reminder = TimeSpan.FromSeconds(30);

    readonly Stopwatch waiting = new();
    TimeSpan lastSaid;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (!waiting.IsRunning || waiting.Elapsed - lastSaid >= Reminder)
        {
            waiting.Start();
            lastSaid = waiting.Elapsed;
            logger.LogWarning("No silo of the cluster answers yet ({Reason}); trying again every second (waiting for {Seconds:F0} s)",
                exception.Message, waiting.Elapsed.TotalSeconds);
        }
        await Task.Delay(Pause, cancellationToken);
        return !cancellationToken.IsCancellationRequested;
    }
}