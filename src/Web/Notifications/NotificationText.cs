namespace ItSchool.Web.Notifications;

/// <summary>
/// Marker for the notification preferences' texts in <c>Resources/Notifications/NotificationText.resx</c> (French, the default):
/// the preferences page, the unsubscribe page, the footer of every non-essential mail and the daily digest.
/// </summary>
public sealed class NotificationText;