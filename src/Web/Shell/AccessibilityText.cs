namespace ItSchool.Web.Shell;

/// <summary>
/// Marker for the shell's accessibility texts (the skip link) in <c>Resources/Shell/AccessibilityText.resx</c> (French,
/// the default) and its translations (<c>.nl.resx</c>, <c>.en.resx</c>); views ask <c>IStringLocalizer&lt;AccessibilityText&gt;</c>.
/// </summary>
public sealed class AccessibilityText;