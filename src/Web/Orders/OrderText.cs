namespace ItSchool.Web.Orders;

/// <summary>
/// Marker for the parents' texts of the orders in <c>Resources/Orders/OrderText.resx</c> (French, the default): the order
/// page, the summary, the dashboard card, the confirmation; views ask <c>IStringLocalizer&lt;OrderText&gt;</c>.
/// </summary>
public sealed class OrderText;