using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Accounts;

namespace ItSchool.Web.Absences;

/// <summary>The family's side: the open child's absences, newest first; no child open sends the parent to choose one.</summary>
public static class ParentAbsencePages
{
    public static void MapParentAbsences(this RouteGroupBuilder school) =>
        school.MapGet("/absences", async (HttpContext context, GuardianLinks pupils, AbsenceRegister register) =>
            await context.OpenChildAsync(pupils) is { } child
                ? new RazorComponentResult<ParentAbsencesPage>(new
                {
                    Child = child,
                    Absences = await register.ForPupilAsync(child.SchoolId, child.Id, context.RequestAborted),
                })
                : Results.Redirect($"{context.Request.PathBase}/comptes"))
            .RequireAuthorization(nameof(Role.Parent));
}