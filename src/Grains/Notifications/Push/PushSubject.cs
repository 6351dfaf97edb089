namespace ItSchool.Notifications.Push;

/// <summary>The VAPID subject the push services read to reach the installation's operator (<c>mailto:</c> or https), decided once at start.</summary>
public sealed record PushSubject(string Value);