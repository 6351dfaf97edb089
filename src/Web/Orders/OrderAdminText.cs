namespace ItSchool.Web.Orders;

/// <summary>
/// Marker for the school's texts of the orders in <c>Resources/Orders/OrderAdminText.resx</c> (French, the default): the
/// forms, their articles and proofs, the totals and the export; views ask <c>IStringLocalizer&lt;OrderAdminText&gt;</c>.
/// </summary>
public sealed class OrderAdminText;