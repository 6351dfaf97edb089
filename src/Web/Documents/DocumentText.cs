namespace ItSchool.Web.Documents;

/// <summary>
/// Marker for the documents' texts in <c>Resources/Documents/DocumentText.resx</c> (French, the default): the school's
/// page and receipts, the parents' list and dashboard card, the reminder mail; views ask <c>IStringLocalizer&lt;DocumentText&gt;</c>.
/// </summary>
public sealed class DocumentText;