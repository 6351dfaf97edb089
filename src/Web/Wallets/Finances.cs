using System.Globalization;
using System.Text;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Wallets;

/// <summary>"Finances": the balances in detail and every financial operation of the open child's purse.</summary>
public static class Finances
{
    public static void MapFinances(this RouteGroupBuilder school)
    {
        var finances = school.MapGroup("/finances").RequireAuthorization(nameof(Role.Parent));

        finances.MapGet("/soldes", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils, WalletSettingsStore walletSettings) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var purse = await grains.GetGrain<IPurseGrain>(pupil).GetPurseAsync();
            return new RazorComponentResult<BalancesPage>(new
            {
                PupilId = pupil,
                purse.Compartments,
                PurseVersion = purse.Version,
                Settings = await walletSettings.LoadAsync(context.School()!.Id, context.RequestAborted),
            });
        });

        finances.MapGet("/operations", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils, LedgerQueries ledger,
            TimeProvider clock, [AsParameters] OperationsFilter filter) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var compartments = await grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync();
            var (first, last) = filter.Days(clock);
            var page = await ledger.SearchAsync(filter.Search(context.School()!.Id, pupil, first, last), context.RequestAborted);
            var results = new { Filter = filter, First = first, Last = last, Page = page, Compartments = compartments };
            // htmx asks for the results only (filters and paging swap them in place); a browser gets the page.
            return context.PageOrFragment<OperationsPage, OperationsResults>(results, new
            {
                results.Filter,
                results.First,
                results.Last,
                results.Page,
                results.Compartments,
                DatesOutOfBand = true,
            });
        });

        finances.MapGet("/operations.csv", async (HttpContext context, GuardianLinks pupils, LedgerQueries ledger, TimeProvider clock,
            IStringLocalizer<Ui> T, [AsParameters] OperationsFilter filter) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var (first, last) = filter.Days(clock);
            var search = filter.Search(context.School()!.Id, pupil, first, last) with { Page = 1, PageSize = int.MaxValue };
            await using var csv = CsvExport.Start(context.Response, $"operations-{first:yyyy-MM-dd}-{last:yyyy-MM-dd}.csv");
            await csv.RowAsync("ID", T["Wallet.Column.Date"], T["Wallet.Column.Type"], T["Wallet.Column.Subject"],
                T["Wallet.Column.Compartment"], T["Wallet.Column.Method"], T["Wallet.Column.Amount"], T["Wallet.Column.Balance"]);
            await foreach (var line in ledger.ExportAsync(search, context.RequestAborted))
            {
                await csv.RowAsync(
                    line.Id.ToString(CultureInfo.InvariantCulture),
                    SchoolTime.DateAndTime(line.OccurredAt),
                    T[$"Movement.{line.Kind}"],
                    LedgerSubjectText.Of(line.Subject, T),
                    line.Compartment.ToString(CultureInfo.InvariantCulture),
                    line.Method is { } method ? T[$"Method.{method}"] : "",
                    CsvExport.Amount(line.AmountCents),
                    CsvExport.Amount(line.BalanceAfterCents));
            }
            return Results.Empty;
        });
    }

}

/// <summary>
/// The query string of "Opérations financières", in French as it appears in shared links. Values are read
/// leniently (a form sends empty fields for "Tous"; a hand-edited link may say anything): what does not
/// parse is simply no filter.
/// </summary>
public sealed class OperationsFilter
{
    [FromQuery(Name = "periode")] public string? PeriodText { get; set; }
    [FromQuery(Name = "du")] public string? FromText { get; set; }
    [FromQuery(Name = "au")] public string? ToText { get; set; }
    [FromQuery(Name = "portefeuille")] public string? CompartmentText { get; set; }
    [FromQuery(Name = "type")] public string? KindText { get; set; }
    [FromQuery(Name = "moyen")] public string? MethodText { get; set; }
    [FromQuery(Name = "page")] public string? PageText { get; set; }

    public DateOnly? From => DateOnly.TryParseExact(FromText, "yyyy-MM-dd", out var d) ? d : null;
    public DateOnly? To => DateOnly.TryParseExact(ToText, "yyyy-MM-dd", out var d) ? d : null;
    public int? Compartment => int.TryParse(CompartmentText, out var c) ? c : null;
    public MovementKind? Kind => Enum.TryParse<MovementKind>(KindText, out var k) && Enum.IsDefined(k) ? k : null;
    public PaymentMethod? Method => Enum.TryParse<PaymentMethod>(MethodText, out var m) && Enum.IsDefined(m) ? m : null;
    public int? Page => int.TryParse(PageText, out var p) && p > 0 ? p : null;

    /// <summary>A custom range whose first day comes after its last: said to the parent, never silently changed.</summary>
    public bool Reversed => EffectivePeriod == Wallets.Period.Custom && From is { } f && To is { } t && f > t;

    public Period EffectivePeriod =>
        Enum.TryParse<Period>(PeriodText, out var period) && Enum.IsDefined(period) ? period : Wallets.Period.Last30Days;

    public (DateOnly First, DateOnly Last) Days(TimeProvider clock) => Periods.Days(EffectivePeriod, Periods.Today(clock), From, To);

    public LedgerSearch Search(Guid schoolId, Guid pupilId, DateOnly first, DateOnly last)
    {
        var (from, to) = Periods.Instants(first, last);
        return new LedgerSearch(schoolId, pupilId, from, to, Compartment, Kind, Method, Math.Max(Page ?? 1, 1));
    }

    /// <summary>This filter's query string with another page (for paging links and the export).</summary>
    public string Query(int? page = null)
    {
        var parts = new List<string> { $"periode={EffectivePeriod}" };
        if (EffectivePeriod == Wallets.Period.Custom)
        {
            parts.Add($"du={From:yyyy-MM-dd}");
            parts.Add($"au={To:yyyy-MM-dd}");
        }
        if (Compartment is { } c)
        {
            parts.Add($"portefeuille={c}");
        }
        if (Kind is { } k)
        {
            parts.Add($"type={k}");
        }
        if (Method is { } m)
        {
            parts.Add($"moyen={m}");
        }
        if (page is { } p)
        {
            parts.Add($"page={p}");
        }
        return string.Join('&', parts);
    }
}