using ItSchool.Accounts;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Management;

/// <summary>
/// The school manager's pages under <c>gestion/</c>: pupils and their guardians, parents and staff and their
/// invitations, the CSV import, and the outbox. Only the school's manager reaches them; anyone else signed
/// in gets 404, as if they did not exist.
/// </summary>
/// <remarks>
/// The registries (<c>PupilRegistry</c>, <c>ParentAccounts</c>, <c>PupilImport</c>) only wrap the data source,
/// so handlers make them from it instead of registering them in the shared start-up.
/// </remarks>
public static class ManagementSetup
{
    public static void MapManagement(this RouteGroupBuilder school)
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