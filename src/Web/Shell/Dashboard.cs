using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;

namespace ItSchool.Web.Shell;

public static class Dashboard
{
    public static void MapDashboard(this WebApplication app)
    {
        app.MapGet("/tableau-de-bord", async (HttpContext context, PupilDirectory pupils) =>
        {
            var school = context.School()!;
            var user = SignedInUser.From(context.User)!;
            IReadOnlyList<Pupil> children = user.Role == Role.Parent
                ? await pupils.ChildrenOfAsync(school.Id, user.Id, context.RequestAborted)
                : [];
            var counts = user.Role == Role.Manager ? await pupils.CountAsync(school.Id, context.RequestAborted) : default;
            return new RazorComponentResult<DashboardPage>(new
            {
                User = user,
                Children = children,
                PupilCount = counts.Pupils,
                ClassCount = counts.Classes,
            });
        }).RequireSchool().RequireAuthorization();
    }
}