using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Absences;

/// <summary>
/// The school's review of the families' justifications and advance reports: those waiting first, oldest first, each with
/// its absences, reason, comment and certificate; accepting gives the absences the reason, refusing needs a note the family
/// reads. A justification of another school, or one decided meanwhile, changes nothing.
/// </summary>
public static class SchoolJustificationPages
{
    public const string Root = "gestion/absences/justificatifs";

    public static void MapSchoolJustifications(this RouteGroupBuilder school)
    {
        var review = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        review.MapGet("", async (HttpContext context, AbsenceJustifications justifications, TimeProvider clock) =>
            await PageAsync(context, justifications, clock, null, null));

        review.MapPost("/{id:guid}", async (Guid id, HttpContext context, AbsenceJustifications justifications, TimeProvider clock) =>
        {
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var accept = posted["Decision"].ToString() switch { "accept" => true, "refuse" => false, _ => (bool?)null };
            if (accept is null)
            {
                return Results.BadRequest();
            }
            var user = SignedInUser.From(context.User)!;
            var refusal = await justifications.DecideAsync(context.School()!.Id, id, accept.Value, posted["Note"], user.DisplayName, clock.GetUtcNow(),
                context.RequestAborted);
            return refusal switch
            {
                null => Flash.Redirect(context, Root, accept.Value ? "accepted" : "refused"),
                DecideRefusal.UnknownJustification => Results.NotFound(),
                _ => await PageAsync(context, justifications, clock, id, $"Review.Refusal.{refusal}"),
            };
        });

        review.MapGet("/{id:guid}", async (Guid id, HttpContext context, AbsenceJustifications justifications) =>
            await justifications.ScanAsync(context.School()!.Id, id, null, context.RequestAborted) is { } scan
                ? ParentAbsencePages.Download(context, scan)
                : Results.NotFound());
    }

    static async Task<IResult> PageAsync(HttpContext context, AbsenceJustifications justifications, TimeProvider clock, Guid? problemFor, string? problem) =>
        new RazorComponentResult<SchoolJustificationsPage>(new
        {
            Justifications = await justifications.ToReviewAsync(context.School()!.Id, clock.GetUtcNow(), cancellationToken: context.RequestAborted),
            ProblemFor = problemFor,
            Problem = problem,
        });
}