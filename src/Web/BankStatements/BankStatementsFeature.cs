using ItSchool.Accounts;
using ItSchool.BankStatements;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Work;
using Npgsql;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// Bank statement reconciliation: the manager's pages under <c>gestion/releves</c> (upload, preview, apply,
/// report, history, "À traiter"), the manager API keys, and the admin API that imports a statement file.
/// </summary>
public sealed class BankStatementsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.BankStatements;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IInvoiceMatcher, BankTransferMatcher>();
        builder.Services.AddSingleton<MovementMatching>();
        builder.Services.AddSingleton<BankImports>();
        builder.Services.AddSingleton<MovementsToResolve>();
        builder.Services.AddSingleton<ManagerApiKeys>();
        builder.Services.AddSingleton<IWorkKind, BankImportWork>();
        builder.AddApiKeyScheme<ManagerKeys>(ManagerKeys.SchemeName);
    }

    public override void MapOutsideSchools(WebApplication app) => app.MapBankStatementsApi();

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.BankStatements", "gestion/releves", 140, Role.Manager),
        MenuEntry.For("Menu.ApiKeys", "gestion/cles-api", 150, Role.Manager),
    ];

    public override void MapInSchool(RouteGroupBuilder school)
    {
        var manager = school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager));
        manager.MapBankStatementPages();
        manager.MapResolvePages();
        manager.MapApiKeyPages();
    }

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoBankStatements.SeedAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(),
            cancellationToken);
}