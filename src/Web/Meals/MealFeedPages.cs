namespace ItSchool.Web.Meals;

/// <summary>Meals: the booked meals as an .ics feed per child and the reminder mail before the next week's cut-off.</summary>
public static class MealFeedPages
{
    public static void AddMealFeed(this WebApplicationBuilder builder)
    {
    }

    public static void MapMealFeed(this RouteGroupBuilder school)
    {
    }
}