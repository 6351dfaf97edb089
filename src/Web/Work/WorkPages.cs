using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Work;

namespace ItSchool.Web.Work;

/// <summary>
/// A work item's progress page, <c>gestion/travaux/{id}</c>, for the school's managers: the bar fills as the item
/// reports, live, and once the work is over the page goes where the work's result is (an import's report, the invoices).
/// </summary>
public static class WorkPages
{
    /// <summary>How long the request that queued the work waits before showing its progress page instead of its result.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(1.5);

    public static void MapWorkPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/travaux/{id:guid}", async (Guid id, HttpContext context, WorkItems items) =>
            await items.FindAsync(context.School()!.Id, id, context.RequestAborted) switch
            {
                null => Results.NotFound(),
                { Status: WorkStatus.Done, Outcome: { } outcome } => Results.Redirect(OutcomeUrl(context, outcome)),
                var item => new RazorComponentResult<WorkPage>(new { Item = item }),
            });

        manager.MapGet("/travaux/{id:guid}/etat", async (Guid id, HttpContext context, WorkItems items) =>
            await items.FindAsync(context.School()!.Id, id, context.RequestAborted) switch
            {
                null => Results.NotFound(),
                { Status: WorkStatus.Done, Outcome: { } outcome } => context.RedirectTo(OutcomeUrl(context, outcome)),
                var item => new RazorComponentResult<WorkProgressView>(new { Item = item }),
            });
    }

    /// <summary>
    /// After a request queued work: its result when the work was over within a moment, its progress page otherwise.
    /// </summary>
    public static async Task<IResult> FollowAsync(HttpContext context, BackgroundWork work, Guid id)
    {
        await work.StartAndWaitAsync(id, Patience, context.RequestAborted);
        return Results.Redirect($"{context.Request.PathBase}/gestion/travaux/{id}");
    }

    static string OutcomeUrl(HttpContext context, WorkOutcome outcome) =>
        $"{context.Request.PathBase}/{(outcome.Notice is { } code ? Flash.Address(outcome.Page, code, outcome.N, outcome.M) : outcome.Page)}";
}