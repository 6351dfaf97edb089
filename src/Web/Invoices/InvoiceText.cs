namespace ItSchool.Web.Invoices;

/// <summary>
/// Marker for the invoice texts in <c>Resources/Invoices/InvoiceText.resx</c> (French, the default); views ask
/// <c>IStringLocalizer&lt;InvoiceText&gt;</c>.
/// </summary>
public sealed class InvoiceText;