using Microsoft.Extensions.Logging;

namespace ItSchool.Live;

/// <summary>
/// The web nodes currently listening (one grain for the whole cluster). Each node renews its
/// subscription every minute; a node that stops renewing is dropped after <see cref="Lease"/>.
/// </summary>
public interface ILiveNodesGrain : IGrainWithIntegerKey
{
    Task SubscribeAsync(ILiveObserver node);

    Task UnsubscribeAsync(ILiveObserver node);

    Task<IReadOnlyList<ILiveObserver>> GetNodesAsync();
}

public sealed class LiveNodesGrain(TimeProvider clock) : Grain, ILiveNodesGrain
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(3);
    readonly Dictionary<ILiveObserver, DateTimeOffset> nodes = [];

    public Task SubscribeAsync(ILiveObserver node)
    {
        nodes[node] = clock.GetUtcNow() + Lease;
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ILiveObserver node)
    {
        nodes.Remove(node);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ILiveObserver>> GetNodesAsync()
    {
        var now = clock.GetUtcNow();
        foreach (var expired in nodes.Where(n => n.Value < now).Select(n => n.Key).ToList())
        {
            nodes.Remove(expired);
        }
        return Task.FromResult<IReadOnlyList<ILiveObserver>>(nodes.Keys.ToList());
    }
}

/// <summary>
/// Fans a change out to every listening web node. A stateless worker, so every silo publishes locally
/// and the node list is only asked for every few seconds, not once per change.
/// </summary>
public interface ILivePublisherGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task PublishAsync(LiveChange change);
}

[StatelessWorker]
public sealed class LivePublisherGrain(TimeProvider clock, ILogger<LivePublisherGrain> logger) : Grain, ILivePublisherGrain
{
    static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    IReadOnlyList<ILiveObserver> nodes = [];
    DateTimeOffset refreshAfter = DateTimeOffset.MinValue;

    public async Task PublishAsync(LiveChange change)
    {
        if (clock.GetUtcNow() >= refreshAfter)
        {
            nodes = await GrainFactory.GetGrain<ILiveNodesGrain>(0).GetNodesAsync();
            refreshAfter = clock.GetUtcNow() + Refresh;
        }
        foreach (var node in nodes)
        {
            try
            {
                await node.OnChangeAsync(change);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A web node did not take a live change");
            }
        }
    }
}