namespace ItSchool.Web.Meetings;

/// <summary>
/// Marker for the meeting texts in <c>Resources/Meetings/MeetingText.resx</c> (French, the default);
/// views ask <c>IStringLocalizer&lt;MeetingText&gt;</c>.
/// </summary>
public sealed class MeetingText;