using ItSchool.Accounts;
using ItSchool.BankStatements;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// Bank statement reconciliation: the manager's pages under <c>gestion/releves</c> (upload, preview, apply,
/// report, history, "À traiter"), the manager API keys, and the admin API that imports a statement file.
/// </summary>
public static class BankStatementsSetup
{
    public static void AddBankStatements(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IInvoiceMatcher, BankTransferMatcher>();
        builder.Services.AddSingleton<MovementMatching>();
        builder.Services.AddSingleton<BankImports>();
        builder.Services.AddSingleton<MovementsToResolve>();
        builder.Services.AddSingleton<ManagerApiKeys>();
        builder.AddApiKeyScheme<ManagerKeys>(ManagerKeys.SchemeName);
    }

    public static void MapBankStatements(this RouteGroupBuilder school)
    {
        var manager = school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager)).RequireModule(SchoolModule.BankStatements);
        manager.MapBankStatementPages();
        manager.MapResolvePages();
        manager.MapApiKeyPages();
    }
}