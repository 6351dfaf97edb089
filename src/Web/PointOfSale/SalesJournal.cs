using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.PointOfSale;

/// <summary>"Journal des ventes": every purchase of the open child, newest first; it refreshes itself on live changes.</summary>
public static class SalesJournal
{
    public static void MapSalesJournal(this RouteGroupBuilder school)
    {
        school.MapGet("/finances/ventes", async (HttpContext context, GuardianLinks pupils, PosSales sales, Terminals terminals,
            CompartmentSettingsStore compartmentSettings, TimeProvider clock, IStringLocalizer<PosText> P, string? periode, string? du, string? au, string? terminal, string? recherche, string? portefeuille) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var filter = new OperationsFilter { PeriodText = periode, FromText = du, ToText = au };
            // Read leniently, as the operations' filters: the form sends an empty value for "Tous".
            Guid? device = Guid.TryParse(terminal, out var id) ? id : null;
            int? compartment = int.TryParse(portefeuille, out var c) ? c : null;
            var (first, last) = filter.Days(clock);
            var (from, to) = Periods.Instants(first, last);
            var schoolId = context.School()!.Id;
            var searchTooLong = recherche?.Length > PosSales.MaxSearchLength;
            var model = new
            {
                PupilId = pupil,
                Filter = filter,
                First = first,
                Last = last,
                Terminal = device,
                Compartment = compartment,
                Search = recherche,
                Terminals = await terminals.ListAsync(schoolId, context.RequestAborted),
                Compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted),
                Lines = searchTooLong ? [] : await sales.JournalAsync(schoolId, pupil, from, to, device, recherche, compartment, context.RequestAborted),
                Problem = searchTooLong ? P["Journal.SearchTooLong", PosSales.MaxSearchLength].Value : null,
            };
            return context.PageOrFragment<SalesJournalPage, SalesJournalResults>(model, new { model.Lines, model.Problem });
        }).RequireAuthorization(nameof(Role.Parent));
    }
}