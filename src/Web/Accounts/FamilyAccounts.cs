using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Liste des comptes": a parent of several children picks whose account to look at. The choice lives in
/// the session; a child who is not the parent's own is simply not found.
/// </summary>
public static class FamilyAccounts
{
    public static void MapFamilyAccounts(this RouteGroupBuilder school)
    {
        school.MapGet("/comptes", async (HttpContext context, GuardianLinks pupils) =>
        {
            var user = SignedInUser.From(context.User)!;
            var children = await pupils.ChildrenOfAsync(user.SchoolId, user.Id, context.RequestAborted);
            return new RazorComponentResult<FamilyAccountsPage>(new { Children = children });
        }).RequireAuthorization(nameof(Role.Parent));

        school.MapPost("/comptes/{pupilId:guid}", async (Guid pupilId, HttpContext context, AccountDirectory accounts,
            GuardianLinks pupils) =>
        {
            var user = SignedInUser.From(context.User)!;
            var child = (await pupils.ChildrenOfAsync(user.SchoolId, user.Id, context.RequestAborted)).FirstOrDefault(p => p.Id == pupilId);
            if (child is null)
            {
                return Results.NotFound();
            }
            var account = (await accounts.FindAsync(user.SchoolId, user.Id, context.RequestAborted))!;
            await Sessions.RenewAsync(context, account, child);
            return Results.Redirect($"{context.Request.PathBase}/tableau-de-bord");
        }).RequireAuthorization(nameof(Role.Parent));
    }
}