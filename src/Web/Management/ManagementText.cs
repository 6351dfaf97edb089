namespace ItSchool.Web.Management;

/// <summary>
/// Marker for the school side's texts in <c>Resources/Management/ManagementText.resx</c> (French, the
/// default); views ask <c>IStringLocalizer&lt;ManagementText&gt;</c>.
/// </summary>
public sealed class ManagementText;