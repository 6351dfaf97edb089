using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Management;

/// <summary>
/// The school manager's pages under <c>gestion/</c>: pupils and their guardians, parents and staff and their
/// invitations, the CSV import, and the outbox. Only the school's manager reaches them; anyone else signed
/// in gets 404, as if they did not exist.
/// </summary>
public sealed class ManagementFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PupilRegistry>();
        builder.Services.AddSingleton<PupilImport>();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Pupils", "gestion/eleves", 50, Role.Manager),
        MenuEntry.For("Menu.Parents", "gestion/parents", 60, Role.Manager),
        MenuEntry.For("Menu.Staff", "gestion/personnel", 70, Role.Manager),
        MenuEntry.For("Menu.Import", "gestion/import", 80, Role.Manager),
        MenuEntry.For("Menu.Mail", "gestion/courriels", 90, Role.Manager),
    ];

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (reader.User.Role != Role.Manager)
        {
            return [];
        }
        var counts = await reader.Services.GetRequiredService<GuardianLinks>().CountAsync(reader.SchoolId, reader.Aborted);
        return [DashboardCard.Of<SchoolSummaryCard>(10, new { PupilCount = counts.Pupils, ClassCount = counts.Classes })];
    }

    public override void MapInSchool(RouteGroupBuilder school)
    {
        var manager = school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager));
        manager.MapPupilPages();
        manager.MapParentPages();
        manager.MapStaffPages();
        manager.MapAccountActivation();
        manager.MapImportPages();
        manager.MapOutboxPages();
    }

    /// <summary>Where to go after a change that worked: back to a page, with the notice to show there.</summary>
    internal static RedirectHttpResult Done(HttpContext context, string page, string notice) => Flash.Redirect(context, page, notice);
}