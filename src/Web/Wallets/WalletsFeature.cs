using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.Wallets;

/// <summary>The cashless wallets: the parents' balances, top-ups and operations, and the school's view of every purse.</summary>
public sealed class WalletsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Wallets;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LedgerQueries>();
        builder.Services.AddSingleton<SchoolBalances>();
        builder.Services.AddSingleton<WalletSettingsStore>();
        builder.Services.AddSingleton<CompartmentSettingsStore>();
        builder.Services.AddSingleton<BalanceAlertSettings>();
        builder.Services.AddSingleton<BalanceAlertMails>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BalanceAlertMails>());
        builder.AddLiveTopic<PurseLiveTopic>();
    }

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapWallets();
        school.MapBalanceAlerts();
        school.MapFinances();
        school.MapSchoolWallets();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Balances", "finances/soldes", 10, Role.Parent),
        MenuEntry.For("Menu.Operations", "finances/operations", 20, Role.Parent),
        MenuEntry.For("Menu.SchoolWallets", "gestion/portefeuilles", 100, Role.Manager),
    ];

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        // The purse before its lines: lines newer than the version are caught up by the live channel, never missed.
        var purse = await reader.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(child.Id).GetPurseAsync();
        var recent = await reader.Services.GetRequiredService<LedgerQueries>().RecentAsync(reader.SchoolId, child.Id, RecentOperations.Count, reader.Aborted);
        return [DashboardCard.Of<WalletDashboard>(30, new { PupilId = child.Id, Compartments = purse.Compartments, Recent = recent, Version = purse.Version })];
    }

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoWallets.SeedAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
}