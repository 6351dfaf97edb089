using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.Shell;

public static class Dashboard
{
    public static void MapDashboard(this RouteGroupBuilder school)
    {
        school.MapGet("/tableau-de-bord", async (HttpContext context, PupilDirectory pupils, AccountDirectory accounts,
            IGrainFactory grains, LedgerQueries ledger) =>
        {
            var schoolId = context.School()!.Id;
            var user = SignedInUser.From(context.User)!;
            if (user.Role != Role.Parent)
            {
                var counts = user.Role == Role.Manager ? await pupils.CountAsync(schoolId, context.RequestAborted) : default;
                var modules = await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();
                return (IResult)new RazorComponentResult<DashboardPage>(new
                {
                    User = user,
                    PupilCount = counts.Pupils,
                    ClassCount = counts.Classes,
                    Modules = modules,
                });
            }

            var children = await pupils.ChildrenOfAsync(schoolId, user.Id, context.RequestAborted);
            var child = children.FirstOrDefault(c => c.Id == user.PupilId);
            if (child is null && children.Count > 1)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            if (child is null && children.Count == 1)
            {
                // The school linked this parent to their only child since the session began.
                child = children[0];
                await Sessions.RenewAsync(context, (await accounts.FindAsync(schoolId, user.Id, context.RequestAborted))!, child);
            }
            if (child is null || !(await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync()).Contains(SchoolModule.Wallets))
            {
                return new RazorComponentResult<DashboardPage>(new { User = user, Child = child });
            }
            // The purse before its lines: lines newer than the version are caught up by the live channel, never missed.
            var purse = await grains.GetGrain<IPurseGrain>(child.Id).GetPurseAsync();
            var recent = await ledger.RecentAsync(schoolId, child.Id, RecentOperations.Count, context.RequestAborted);
            return new RazorComponentResult<DashboardPage>(new
            {
                User = user,
                Child = child,
                Compartments = purse.Compartments,
                Recent = recent,
                PurseVersion = purse.Version,
            });
        }).RequireAuthorization();
    }
}