namespace ItSchool.Web.Meals;

/// <summary>Meals: the kitchen's counts per article and class, live, in PDF and CSV.</summary>
public static class KitchenPages
{
    public static void AddKitchen(this WebApplicationBuilder builder)
    {
    }

    public static void MapKitchen(this RouteGroupBuilder school)
    {
    }
}