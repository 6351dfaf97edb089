using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.PointOfSale;

/// <summary>"Journal des ventes": every purchase of the open child, newest first; it refreshes itself on live changes.</summary>
public static class SalesJournal
{
    public static void MapSalesJournal(this RouteGroupBuilder school)
    {
        school.MapGet("/finances/ventes", async (HttpContext context, PupilDirectory pupils, PosSales sales, Terminals terminals,
            TimeProvider clock, string? periode, string? du, string? au, string? terminal, string? recherche) =>
        {
            if (await WalletPages.OpenChildAsync(context, pupils) is not { } pupil)
            {
                return Results.NotFound();
            }
            var filter = new OperationsFilter { PeriodText = periode, FromText = du, ToText = au };
            // Read leniently, as the operations' filters: the form sends an empty value for "Tous".
            Guid? device = Guid.TryParse(terminal, out var id) ? id : null;
            var (first, last) = filter.Days(clock);
            var (from, to) = Periods.Instants(first, last);
            var schoolId = context.School()!.Id;
            var model = new
            {
                Filter = filter,
                First = first,
                Last = last,
                Terminal = device,
                Search = recherche,
                Terminals = await terminals.ListAsync(schoolId, context.RequestAborted),
                Lines = await sales.JournalAsync(schoolId, pupil, from, to, device, recherche, context.RequestAborted),
            };
            return context.Request.Headers.ContainsKey("HX-Request")
                ? (IResult)new RazorComponentResult<SalesJournalResults>(new { model.Lines })
                : new RazorComponentResult<SalesJournalPage>(model);
        }).RequireAuthorization(nameof(Role.Parent));
    }
}