using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.PointOfSale;

/// <summary>The canteen's till, the terminals' API, the parents' sales journal and the school's articles and terminals.</summary>
public sealed class PointOfSaleFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.PointOfSale;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddPointOfSale();
        builder.Services.AddSingleton<SpendingLimitSettings>();
    }

    public override void MapOutsideSchools(WebApplication app) => app.MapPosApiV1();

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapTill();
        school.MapSalesJournal();
        school.MapPosAdmin();
        school.MapSpendingLimits();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.SalesJournal", "finances/ventes", 30, Role.Parent),
        MenuEntry.For("Menu.Till", "caisse", 40, Role.Canteen, Role.Manager),
        MenuEntry.For("Menu.PosAdmin", "gestion/caisses", 110, Role.Manager),
    ];

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) =>
        Task.FromResult<IEnumerable<DashboardCard>>(reader.User.Role == Role.Canteen
            ? [DashboardCard.Of<ActionCard>(10, new { Href = "caisse", ActionKey = "Dashboard.OpenTill" })]
            : []);

    // After WalletsFeature's seed (ItSchoolApp.AllFeatures lists it first): the canteen's past sales are the
    // wallets' ledger rows, which this records in the sales journal.
    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoPos.SeedAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
}