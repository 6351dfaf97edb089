namespace ItSchool.Web.Notifications.Push;

/// <summary>
/// Marker for the Web Push texts in <c>Resources/Notifications/Push/PushText.resx</c> (French, the default) and its
/// translations (<c>PushText.nl.resx</c>, <c>PushText.en.resx</c>); views ask <c>IStringLocalizer&lt;PushText&gt;</c>.
/// </summary>
public sealed class PushText;