namespace ItSchool.Web.Legal;

/// <summary>
/// Marker for the legal texts in <c>Resources/Legal/LegalText.resx</c> (French, the default; Dutch and English
/// beside it), the default terms and privacy policy included; views ask <c>IStringLocalizer&lt;LegalText&gt;</c>.
/// </summary>
public sealed class LegalText;