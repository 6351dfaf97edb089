using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.Meals;

/// <summary>"Réservation de repas": the parents' calendar, the school's menus and rules, the kitchen's counts.</summary>
public sealed class MealsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Meals;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MealMenus>();
        builder.Services.AddSingleton<MealBookings>();
        builder.AddParentMeals();
        builder.AddMealAdmin();
        builder.AddKitchen();
        builder.AddMealFeed();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Meals", "repas", 25, Role.Parent),
        MenuEntry.For("Menu.Kitchen", "cuisine", 45, Role.Canteen, Role.Manager),
        MenuEntry.For("Menu.MealMenus", "gestion/repas", 115, Role.Manager),
    ];

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentMealPages.DashboardCardsAsync(reader);

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoMeals.SeedAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapParentMeals();
        school.MapMealAdmin();
        school.MapKitchen();
        school.MapMealFeed();
        school.MapMealPatterns();
    }
}