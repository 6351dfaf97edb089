namespace ItSchool.Web.Operators;

/// <summary>
/// Marker for the operator's texts in <c>Resources/Operators/PlatformText.resx</c> (French, the default);
/// views ask <c>IStringLocalizer&lt;PlatformText&gt;</c>.
/// </summary>
public sealed class PlatformText;