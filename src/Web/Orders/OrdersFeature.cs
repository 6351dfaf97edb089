using ItSchool.Accounts;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Orders;

/// <summary>
/// "Commandes": the school opens a photo order, its e-shop or a form between two dates for some classes; families
/// order for their child and pay from the wallet or by the order's invoice; the school sees the totals, exports them
/// for the supplier and hands the orders out.
/// </summary>
public sealed class OrdersFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Orders;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<OrderFormAdmin>();
        builder.AddParentOrders();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Orders", "commandes", 23, Role.Parent),
        MenuEntry.For("Menu.Orders", "gestion/commandes", 113, Role.Manager),
    ];

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoOrders.SeedAsync(services.GetRequiredService<OrderFormAdmin>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentOrderPages.DashboardCardsAsync(reader);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapParentOrders();
        school.MapSchoolOrders();
    }
}