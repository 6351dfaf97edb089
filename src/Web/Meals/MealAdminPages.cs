namespace ItSchool.Web.Meals;

/// <summary>Meals: the school's menus, rules, class prices, allergies and closed days.</summary>
public static class MealAdminPages
{
    public static void AddMealAdmin(this WebApplicationBuilder builder)
    {
    }

    public static void MapMealAdmin(this RouteGroupBuilder school)
    {
    }
}