using System.Collections.Concurrent;

namespace ItSchool.Web.Live;

/// <summary>
/// Which pupils have a page open on this node. A canteen rush moves thousands of purses whose parents are
/// not looking: rendering and sending fragments for them would be work for nobody, so the relay asks here first.
/// </summary>
public sealed class LiveViewers
{
    readonly ConcurrentDictionary<Guid, int> open = new();

    public void Add(Guid pupilId) => open.AddOrUpdate(pupilId, 1, (_, count) => count + 1);

    public void Remove(Guid pupilId)
    {
        if (open.AddOrUpdate(pupilId, 0, (_, count) => count - 1) <= 0)
        {
            open.TryRemove(new KeyValuePair<Guid, int>(pupilId, 0));
        }
    }

    public bool AnyFor(Guid pupilId) => open.TryGetValue(pupilId, out var count) && count > 0;
}