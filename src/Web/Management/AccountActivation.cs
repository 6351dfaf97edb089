using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Management;

/// <summary>
/// "Désactiver" and "Réactiver" on the staff and parent lists: a deactivated account cannot sign in and is
/// signed out at once on every device; nothing of it is deleted, and reactivation gives back the same account.
/// </summary>
public static class AccountActivation
{
    public static void MapAccountActivation(this RouteGroupBuilder manager)
    {
        foreach (var (list, isParent) in new[] { ("parents", true), ("personnel", false) })
        {
            manager.MapPost($"/{list}/{{id:guid}}/desactiver", async (Guid id, HttpContext context, ParentAccounts parents,
                StaffAccounts staff, AccountDirectory accounts, IGrainFactory grains) =>
            {
                var school = context.School()!;
                if (!await IsOnListAsync(parents, staff, school.Id, id, isParent, context.RequestAborted))
                {
                    return Results.NotFound();
                }
                var manager = SignedInUser.From(context.User)!;
                if (id == manager.Id)
                {
                    return ManagementFeature.Done(context, $"gestion/{list}", "pas-soi-meme");
                }
                if (await accounts.DeactivateAsync(school.Id, id, manager.Id, context.RequestAborted))
                {
                    grains.Publish(new SessionsEnded(school.Id, id, null));
                }
                return ManagementFeature.Done(context, $"gestion/{list}", "compte-desactive");
            });

            manager.MapPost($"/{list}/{{id:guid}}/reactiver", async (Guid id, HttpContext context, ParentAccounts parents,
                StaffAccounts staff, AccountDirectory accounts) =>
            {
                var school = context.School()!;
                if (!await IsOnListAsync(parents, staff, school.Id, id, isParent, context.RequestAborted))
                {
                    return Results.NotFound();
                }
                await accounts.ReactivateAsync(school.Id, id, context.RequestAborted);
                return ManagementFeature.Done(context, $"gestion/{list}", "compte-reactive");
            });
        }
    }

    // A forged id, another school's account or a parent posted to the staff list is simply not found.
    static async Task<bool> IsOnListAsync(ParentAccounts parents, StaffAccounts staff, Guid schoolId, Guid id, bool isParent, CancellationToken cancellationToken) =>
        isParent
            ? await parents.FindAsync(schoolId, id, cancellationToken) is not null
            : (await staff.ListAsync(schoolId, cancellationToken)).Any(s => s.Id == id);
}