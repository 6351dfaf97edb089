namespace ItSchool.Web.App;

/// <summary>
/// Marker for the installable app's texts in <c>Resources/App/AppText.resx</c> (French, the default) and its
/// translations (<c>AppText.nl.resx</c>, <c>AppText.en.resx</c>); views ask <c>IStringLocalizer&lt;AppText&gt;</c>.
/// </summary>
public sealed class AppText;