namespace ItSchool.Web.Wallets;

/// <summary>
/// Marker for the low-balance alerts' texts in <c>Resources/Wallets/AlertText.resx</c> (French, the default): the guardian's
/// settings page, the school's default, and the alert mail; views ask <c>IStringLocalizer&lt;AlertText&gt;</c>.
/// </summary>
public sealed class AlertText;