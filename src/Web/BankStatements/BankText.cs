namespace ItSchool.Web.BankStatements;

/// <summary>
/// Marker for the bank statement texts in <c>Resources/BankStatements/BankText.resx</c> (French, the
/// default); views ask <c>IStringLocalizer&lt;BankText&gt;</c>.
/// </summary>
public sealed class BankText;