namespace ItSchool.Live;

/// <summary>A web node listening for changes; it relays each one to its own SignalR clients.</summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnChangeAsync(LiveChange change);
}