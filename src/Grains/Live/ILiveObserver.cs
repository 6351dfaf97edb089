namespace ItSchool.Live;

/// <summary>A web node listening to the topics its clients watch; it relays each change to them.</summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnChangeAsync(string topic, LiveChange change);

    /// <summary>The topic's grain is going away (its silo shuts down): its watchers must subscribe again to its next activation.</summary>
    [OneWay]
    Task OnTopicLostAsync(string topic);
}