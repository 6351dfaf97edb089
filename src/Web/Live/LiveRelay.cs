using ItSchool.Live;
using ItSchool.Wallets;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ItSchool.Web.Live;

/// <summary>
/// This web node's ear in the cluster: it subscribes to the live changes of every grain (renewing its
/// lease every 15 seconds) and relays each one to its own SignalR clients as rendered fragments. Every node
/// does the same, so a change made through one node reaches the browsers connected to any other.
/// </summary>
public sealed class LiveRelay(IGrainFactory grains, IHubContext<LiveHub> hub, FragmentRenderer fragments, LedgerQueries ledger,
    LiveViewers viewers, IEnumerable<ILiveChangeHandler> handlers, TimeProvider clock, ILogger<LiveRelay> logger) : BackgroundService, ILiveObserver
{
    static readonly TimeSpan Renewal = TimeSpan.FromSeconds(15);
    // Replaced whole, never changed in place: the health check reads it from another thread.
    volatile Subscription? subscription;

    sealed record Subscription(DateTimeOffset Since, DateTimeOffset Renewed);

    /// <summary>
    /// Ready once every live publisher has had time to learn of this node: before that, a change made through
    /// another node could miss this node's browsers, so the load balancer should not send people here yet.
    /// </summary>
    public sealed class Readiness(LiveRelay relay, TimeProvider clock) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var now = clock.GetUtcNow();
            return Task.FromResult(relay.subscription is not { } subscribed || now - subscribed.Renewed > LiveNodesGrain.Lease
                ? HealthCheckResult.Unhealthy("Not subscribed to live changes")
                : now - subscribed.Since < LivePublisherGrain.Refresh
                    ? HealthCheckResult.Unhealthy("Subscribed to live changes a moment ago; the publishers do not all know this node yet")
                    : HealthCheckResult.Healthy());
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = grains.CreateObjectReference<ILiveObserver>(this);
        var nodes = grains.GetGrain<ILiveNodesGrain>(0);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await nodes.SubscribeAsync(self);
                    var now = clock.GetUtcNow();
                    // After a lapse the publishers may have dropped this node: it counts as new again.
                    subscription = subscription is { } known && now - known.Renewed <= LiveNodesGrain.Lease
                        ? known with { Renewed = now }
                        : new Subscription(now, now);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not subscribe this node to live changes; retrying");
                }
                await Task.Delay(Renewal, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await nodes.UnsubscribeAsync(self).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { });
        }
    }

    public Task OnChangeAsync(LiveChange change)
    {
        foreach (var handler in handlers)
        {
            handler.OnChange(change);
        }
        _ = change switch
        {
            PurseChanged purse when viewers.AnyFor(purse.PupilId) => RelayAsync(purse),
            PupilActivity activity when viewers.AnyFor(activity.PupilId) =>
                hub.Clients.Group(LiveGroups.Pupil(activity.PupilId)).SendAsync("changed"),
            _ => Task.CompletedTask,
        };
        return Task.CompletedTask;
    }

    async Task RelayAsync(PurseChanged change)
    {
        try
        {
            var compartments = await grains.GetGrain<IPurseGrain>(change.PupilId).GetCompartmentsAsync();
            var recent = await ledger.RecentAsync(change.SchoolId, change.PupilId, RecentOperations.Count);
            var html = await fragments.RenderAsync<BalancesCard>(new Dictionary<string, object?>
            {
                [nameof(BalancesCard.PupilId)] = change.PupilId,
                [nameof(BalancesCard.Compartments)] = compartments,
            }) + await fragments.RenderAsync<RecentOperations>(new Dictionary<string, object?>
            {
                [nameof(RecentOperations.PupilId)] = change.PupilId,
                [nameof(RecentOperations.Lines)] = recent,
                [nameof(RecentOperations.Compartments)] = compartments,
            });
            await hub.Clients.Group(LiveGroups.Pupil(change.PupilId)).SendAsync("swap", html);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not relay a change of purse {PupilId}", change.PupilId);
        }
    }
}