using ItSchool.Web.Shell;

namespace ItSchool.Web.Meals;

/// <summary>Meals: the parents' month calendar, booking, cancelling, patterns and the .ics feed.</summary>
public static class ParentMealPages
{
    public static void AddParentMeals(this WebApplicationBuilder builder)
    {
    }

    public static void MapParentMeals(this RouteGroupBuilder school)
    {
    }

    /// <summary>The parent's card for the open child (the next meals booked, the projected balance).</summary>
    public static Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => Task.FromResult(Enumerable.Empty<DashboardCard>());
}