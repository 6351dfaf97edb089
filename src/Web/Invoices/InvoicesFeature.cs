using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Invoices;

/// <summary>Invoices ("demandes de paiement"): the parents' list and payments, the school's invoices, charges, reminders and refunds.</summary>
public sealed class InvoicesFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Invoices;

    public override void AddServices(WebApplicationBuilder builder) => builder.AddInvoices();

    public override void MapInSchool(RouteGroupBuilder school) => school.MapInvoices();

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Invoices", "finances/factures", 120, Role.Parent),
        MenuEntry.For("Menu.SchoolInvoices", "gestion/factures", 130, Role.Manager),
    ];

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var today = InvoiceStates.Today(reader.Services.GetRequiredService<TimeProvider>());
        var rows = await reader.Services.GetRequiredService<InvoiceList>().SearchAsync(new InvoiceFilter(reader.SchoolId, PupilId: child.Id), today, reader.Aborted);
        var unpaid = rows.Count(r => r.RemainingCents > 0);
        return unpaid > 0 ? [DashboardCard.Of<InvoiceBanner>(10, new { Unpaid = unpaid })] : [];
    }

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoInvoices.IssueAsync(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<PupilRegistry>(),
            InvoiceStates.Today(services.GetRequiredService<TimeProvider>()), cancellationToken);
}