namespace ItSchool.Web.Meals;

/// <summary>Meals: the parents' month calendar, booking, cancelling, patterns and the .ics feed.</summary>
public static class ParentMealPages
{
    public static void MapParentMeals(this RouteGroupBuilder school)
    {
    }
}