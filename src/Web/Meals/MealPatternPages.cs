namespace ItSchool.Web.Meals;

/// <summary>Meals: booking a pattern (some weekdays over a period) in one go, all or nothing.</summary>
public static class MealPatternPages
{
    public static void AddMealPatterns(this WebApplicationBuilder builder)
    {
    }

    public static void MapMealPatterns(this RouteGroupBuilder school)
    {
    }
}
