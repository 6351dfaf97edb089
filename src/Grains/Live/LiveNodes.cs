using ItSchool.Platform.Orleans;
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

public sealed class LiveNodesGrain(
    [PersistentState("live-nodes", GrainStorage.Name)] IPersistentState<LiveNodes> state, TimeProvider clock) : Grain, ILiveNodesGrain
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);

    // Kept in grain storage: when this grain moves (a silo joins or leaves the cluster), the new activation
    // still knows every node at once instead of waiting for each node's next renewal.
    public async Task SubscribeAsync(ILiveObserver node)
    {
        var now = clock.GetUtcNow();
        state.State.Nodes.RemoveAll(n => n.Node.Equals(node) || n.Until < now);
        state.State.Nodes.Add(new LiveNode(node, now + Lease));
        await state.WriteStateAsync();
    }

    public async Task UnsubscribeAsync(ILiveObserver node)
    {
        if (state.State.Nodes.RemoveAll(n => n.Node.Equals(node)) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<ILiveObserver>> GetNodesAsync()
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<ILiveObserver>>(state.State.Nodes.Where(n => n.Until >= now).Select(n => n.Node).ToList());
    }
}

[GenerateSerializer]
public sealed class LiveNodes
{
    [Id(0)] public List<LiveNode> Nodes { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record LiveNode([property: Id(0)] ILiveObserver Node, [property: Id(1)] DateTimeOffset Until);

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
    /// <summary>How long a publisher keeps its node list: a node that has just subscribed waits this long before it is ready.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);
    IReadOnlyList<ILiveObserver> nodes = [];
    DateTimeOffset refreshAfter = DateTimeOffset.MinValue;

    public async Task PublishAsync(LiveChange change)
    {
        // An empty list is asked again at once: right after a start, a change published before the first node
        // subscribed must not leave this activation deaf for the whole refresh period.
        if (clock.GetUtcNow() >= refreshAfter || nodes.Count == 0)
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