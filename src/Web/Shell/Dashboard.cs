using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;

namespace ItSchool.Web.Shell;

/// <summary>The page everyone lands on: the parent's open child, then the cards of every feature the school has on.</summary>
public static class Dashboard
{
    public static void MapDashboard(this RouteGroupBuilder school)
    {
        school.MapGet("/tableau-de-bord", async (HttpContext context, GuardianLinks pupils, AccountDirectory accounts,
            IGrainFactory grains, Features features) =>
        {
            var schoolId = context.School()!.Id;
            var user = SignedInUser.From(context.User)!;
            Pupil? child = null;
            if (user.Role == Role.Parent)
            {
                var children = await pupils.ChildrenOfAsync(schoolId, user.Id, context.RequestAborted);
                child = children.FirstOrDefault(c => c.Id == user.PupilId);
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
            }

            var enabled = await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();
            var reader = new DashboardReader(context, user, schoolId, child);
            var cards = new List<DashboardCard>();
            foreach (var feature in features.OnIn(enabled))
            {
                cards.AddRange(await feature.DashboardCardsAsync(reader));
            }
            return (IResult)new RazorComponentResult<DashboardPage>(new
            {
                User = user,
                Child = child,
                Cards = cards.OrderBy(card => card.Position).ToList(),
            });
        }).RequireAuthorization();
    }
}