using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace ItSchool.Live;

/// <summary>
/// One watchable thing (keyed by its topic, "purse:{pupilId}"): the web nodes whose clients watch it, each
/// holding a lease it renews. A change is sent to those nodes only, so a canteen rush moving thousands of purses
/// nobody looks at crosses no node at all.
/// </summary>
public interface ILiveTopicGrain : IGrainWithStringKey
{
    /// <summary>Subscribes or renews the node; true when this activation did not know it (new, or the topic's silo was lost).</summary>
    Task<bool> WatchAsync(ILiveObserver node);

    Task UnwatchAsync(ILiveObserver node);

    [OneWay]
    Task PublishAsync(LiveChange change);
}

// Kept in memory only: a topic lost with its silo is rebuilt by the nodes' renewals, which also catch their
// watchers up (see Web/Live/LiveNode.cs). A short idle life, since a topic nobody watches is woken by every change.
[CollectionAgeLimit(Minutes = 2)]
public sealed class LiveTopicGrain(ILogger<LiveTopicGrain> logger) : Grain, ILiveTopicGrain
{
    /// <summary>A node that has not renewed its subscription for this long is dropped (it renews every third of it).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    readonly ObserverManager<ILiveObserver> nodes = new(Lease, logger);

    string Topic => this.GetPrimaryKeyString();

    public Task<bool> WatchAsync(ILiveObserver node)
    {
        var known = nodes.Observers.ContainsKey(node);
        nodes.Subscribe(node, node);
        return Task.FromResult(!known);
    }

    public Task UnwatchAsync(ILiveObserver node)
    {
        nodes.Unsubscribe(node);
        return Task.CompletedTask;
    }

    public Task PublishAsync(LiveChange change) =>
        nodes.Count == 0 ? Task.CompletedTask : nodes.Notify(node => node.OnChangeAsync(Topic, change));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (nodes.Count > 0)
        {
            await nodes.Notify(node => node.OnTopicLostAsync(Topic));
        }
    }
}

public static class LivePublishing
{
    /// <summary>Sends the change to the grain of each of its topics; one-way, so a grain never waits on a page.</summary>
    public static void Publish(this IGrainFactory grains, LiveChange change)
    {
        foreach (var topic in change.Topics)
        {
            grains.GetGrain<ILiveTopicGrain>(topic).PublishAsync(change).Ignore();
        }
    }
}