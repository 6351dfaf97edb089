namespace ItSchool.Web.Events;

/// <summary>
/// Marker for the events' texts in <c>Resources/Events/EventText.resx</c> (French, the default): the school's page,
/// the parents' page and card, the calendar feed; views ask <c>IStringLocalizer&lt;EventText&gt;</c>.
/// </summary>
public sealed class EventText;