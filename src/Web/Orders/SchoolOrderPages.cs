namespace ItSchool.Web.Orders;

/// <summary>The school's side of the orders: its forms, their articles and proofs, the totals, the export, the hand-out.</summary>
public static class SchoolOrderPages
{
    public static void MapSchoolOrders(this RouteGroupBuilder school)
    {
    }
}