using ItSchool.Platform;
using Microsoft.Extensions.Logging;

namespace ItSchool.Notifications.Push;

/// <summary>
/// Sends the push queue to the users' devices. Every node runs it; a notice reaches each device once because its
/// expansion into deliveries locks the notice (<see cref="PushDeliveries.ExpandDueAsync"/>) and each delivery is claimed
/// under a lease by one sender at a time (<see cref="PushDeliveries.ClaimDueAsync"/>). A node that dies between the
/// push service's answer and the row's removal sends that one again after the lease: at least once rather than at most
/// once, because the duplicate carries the same tag and topic and so replaces the first on the device instead of
/// buzzing twice, while a lost notice would be lost for good.
/// </summary>
public sealed class PushDelivery(PushDeliveries deliveries, PushSender sender, VapidKeys keys, TimeProvider clock,
    ILogger<PushDelivery> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Longer than a send can take (<see cref="PushSender"/> gives up after 20 s), so a lease never ends mid-send.</summary>
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override TimeSpan FirstRunAfter => TimeSpan.Zero;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The installation's first start makes its key pair, rather than the first visitor of the device setting.
        try
        {
            await keys.GetAsync().WaitAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "VAPID keys not ready yet; the first use tries again");
        }
        await base.ExecuteAsync(stoppingToken);
    }

    /// <summary>A notice was queued on this node for now: send it without waiting for the next tick.</summary>
    public void NoticeQueued() => Wake();

    protected override Task RunAsync(CancellationToken cancellationToken) => DeliverDueAsync(cancellationToken);

    /// <summary>One pass: every due notice expanded, every due delivery sent.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        while (await deliveries.ExpandDueAsync(batch: 100, cancellationToken) > 0)
        {
        }
        IReadOnlyList<PushDeliveryItem> claimed;
        while ((claimed = await deliveries.ClaimDueAsync(batch: 50, Lease, cancellationToken)).Count > 0)
        {
            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (item, token) => await DeliverAsync(item, token));
        }
    }

    async Task DeliverAsync(PushDeliveryItem item, CancellationToken cancellationToken)
    {
        PushOutcome outcome;
        TimeSpan? retryAfter;
        string? error;
        try
        {
            (outcome, retryAfter, error) = await sender.SendAsync(item, Clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong with this one (the keys not loaded yet, say) must not stop the others of the batch.
            Logger.LogWarning(e, "Push to device {Subscription} failed", item.SubscriptionId);
            (outcome, retryAfter, error) = (PushOutcome.Later, null, e.Message);
        }
        switch (outcome)
        {
            case PushOutcome.Delivered:
                await deliveries.FinishAsync(item.Id, cancellationToken);
                break;
            case PushOutcome.Gone:
                Logger.LogInformation("Push device {Subscription} is gone ({Error}): forgotten", item.SubscriptionId, error);
                await deliveries.ForgetDeviceAsync(item.SubscriptionId, cancellationToken);
                break;
            case PushOutcome.Refused:
                Logger.LogWarning("Push to device {Subscription} refused: {Error}", item.SubscriptionId, error);
                await deliveries.FinishAsync(item.Id, cancellationToken);
                break;
            default:
                // 30 s, 1 min, 2 min … up to half an hour, or later if the push service asked; past a day the notice is dropped.
                var backoff = TimeSpan.FromSeconds(Math.Min(1800, 30 * Math.Pow(2, Math.Min(item.Attempts - 1, 10))));
                var wait = retryAfter is { } asked && asked > backoff ? asked : backoff;
                await deliveries.RetryAsync(item.Id, Clock.GetUtcNow() + wait, error ?? "", cancellationToken);
                break;
        }
    }
}