namespace ItSchool.Web;

/// <summary>
/// Marker for the interface's texts in <c>Resources/Ui.resx</c> (French, the default) and its
/// translations (<c>Ui.nl.resx</c>, <c>Ui.en.resx</c>); views ask <c>IStringLocalizer&lt;Ui&gt;</c>.
/// </summary>
public sealed class Ui;