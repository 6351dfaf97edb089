namespace ItSchool.Web.Shell;

/// <summary>
/// Marker for the pager's texts in <c>Resources/Shell/PagerText.resx</c> (French, the default) and its translations
/// (<c>.nl.resx</c>, <c>.en.resx</c>); <see cref="Pager"/> asks <c>IStringLocalizer&lt;PagerText&gt;</c>.
/// </summary>
public sealed class PagerText;