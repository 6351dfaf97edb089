using ItSchool.Accounts;
using ItSchool.Schools;

namespace ItSchool.Web.Shell;

/// <summary>
/// A line of the left menu. A feature adds its entry to <see cref="All"/> when it has a working page;
/// an entry tied to a module shows only in schools that enabled that module.
/// </summary>
public sealed record MenuEntry(string TextKey, string Href, SchoolModule? Module, IReadOnlySet<Role> Roles)
{
    static readonly IReadOnlySet<Role> Everyone = new HashSet<Role>(Enum.GetValues<Role>());
    static readonly IReadOnlySet<Role> Managers = new HashSet<Role> { Role.Manager };
    static readonly IReadOnlySet<Role> Parents = new HashSet<Role> { Role.Parent };

    public static readonly IReadOnlyList<MenuEntry> All =
    [
        new("Menu.Dashboard", "tableau-de-bord", null, Everyone),
        new("Menu.Balances", "finances/soldes", SchoolModule.Wallets, Parents),
        new("Menu.Operations", "finances/operations", SchoolModule.Wallets, Parents),
        new("Menu.SalesJournal", "finances/ventes", SchoolModule.PointOfSale, Parents),
        new("Menu.Till", "caisse", SchoolModule.PointOfSale, new HashSet<Role> { Role.Canteen, Role.Manager }),
        new("Menu.Pupils", "gestion/eleves", null, Managers),
        new("Menu.Parents", "gestion/parents", null, Managers),
        new("Menu.Staff", "gestion/personnel", null, Managers),
        new("Menu.Import", "gestion/import", null, Managers),
        new("Menu.Mail", "gestion/courriels", null, Managers),
        new("Menu.SchoolWallets", "gestion/portefeuilles", SchoolModule.Wallets, Managers),
        new("Menu.PosAdmin", "gestion/caisses", SchoolModule.PointOfSale, Managers),
        new("Menu.Invoices", "finances/factures", SchoolModule.Invoices, Parents),
        new("Menu.SchoolInvoices", "gestion/factures", SchoolModule.Invoices, Managers),
        new("Menu.BankStatements", "gestion/releves", SchoolModule.BankStatements, Managers),
        new("Menu.ApiKeys", "gestion/cles-api", SchoolModule.BankStatements, Managers),
        new("Menu.Meetings", "reunions", SchoolModule.Meetings, Parents),
        new("Menu.Meetings", "reunions/mes-grilles", SchoolModule.Meetings, new HashSet<Role> { Role.Teacher }),
        new("Menu.Meetings", "gestion/reunions", SchoolModule.Meetings, Managers),
    ];

    public bool IsVisible(Role role, IReadOnlySet<SchoolModule> enabled) =>
        Roles.Contains(role) && (Module is null || enabled.Contains(Module.Value));
}