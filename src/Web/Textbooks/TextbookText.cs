namespace ItSchool.Web.Textbooks;

/// <summary>
/// Marker for the textbooks' texts in <c>Resources/Textbooks/TextbookText.resx</c> (French, the default): the family's list
/// and confirmation, the school's lists, editor, answers and export, the reminder mail and the confirmation's PDF; views
/// ask <c>IStringLocalizer&lt;TextbookText&gt;</c>.
/// </summary>
public sealed class TextbookText;