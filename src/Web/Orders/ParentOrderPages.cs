namespace ItSchool.Web.Orders;

/// <summary>The parents' side of the orders: the forms open to the open child, ordering, the summary, cancelling.</summary>
public static class ParentOrderPages
{
    public static void MapParentOrders(this RouteGroupBuilder school)
    {
    }
}