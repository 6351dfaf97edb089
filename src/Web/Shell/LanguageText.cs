namespace ItSchool.Web.Shell;

/// <summary>
/// Marker for the language chooser's and settings' texts in <c>Resources/Shell/LanguageText.resx</c> (French,
/// the default) and its translations (<c>.nl.resx</c>, <c>.en.resx</c>); views ask <c>IStringLocalizer&lt;LanguageText&gt;</c>.
/// </summary>
public sealed class LanguageText;