namespace ItSchool.Web.Payments;

/// <summary>
/// Marker for the online payment texts in <c>Resources/Payments/PaymentText.resx</c> (French, the default);
/// views ask <c>IStringLocalizer&lt;PaymentText&gt;</c>.
/// </summary>
public sealed class PaymentText;