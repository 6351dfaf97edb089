using ItSchool.Live;

namespace ItSchool.Web.Live;

/// <summary>
/// A feature's share of this node's live relay: it is handed every change the node receives and relays the
/// ones it knows to its own clients. One subscription per node, not one per feature, so every feature of a
/// node starts hearing changes at the same moment and each change crosses the cluster once per node.
/// </summary>
public interface ILiveChangeHandler
{
    /// <summary>Must not block: relaying happens in the background.</summary>
    void OnChange(LiveChange change);
}