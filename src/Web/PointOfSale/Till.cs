using ItSchool.Live;
using ItSchool.Meals;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// "Caisse": the canteen's till in a browser, for canteens without a terminal. It acts as one of the
/// school's terminals and posts sales through the very call the API makes (<see cref="SalePosting"/>, with
/// the same <see cref="SaleRequest"/>): each sale carries an id made when the till shows, so a double tap or a
/// retry after a network error charges once.
/// </summary>
public static class Till
{
    public const string Policy = "till";

    public static void MapTill(this RouteGroupBuilder school)
    {
        var till = school.MapGroup("/caisse").RequireAuthorization(Policy);

        till.MapGet("", async (HttpContext context, Terminals terminals, Catalogue catalogue, IGrainFactory grains, Guid? terminal) =>
        {
            var schoolId = context.School()!.Id;
            var available = await terminals.ListAsync(schoolId, context.RequestAborted);
            var chosen = available.FirstOrDefault(t => t.Id == terminal) ?? (available.Count == 1 ? available[0] : null);
            return new RazorComponentResult<TillPage>(new
            {
                Terminals = available,
                Terminal = chosen,
                Articles = chosen is null ? [] : await catalogue.TillArticlesAsync(schoolId, context.RequestAborted),
                Meals = await MealsOnAsync(context, grains),
            });
        });

        till.MapPost("/vente", async (HttpContext context, Terminals terminals, SalePosting posting) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (await TerminalAsync(context, terminals, form["TerminalId"]) is not { } terminal)
            {
                return Results.NotFound();
            }
            // The grid's quantities arrive as fields named q.{article code}; the sale is built the same way
            // every time from the same form, so a repeated tap is the same sale and gets the first answer.
            var lines = form.Where(f => f.Key.StartsWith("q.", StringComparison.Ordinal))
                .Select(f => new SaleLineRequest(f.Key[2..], int.TryParse(f.Value, out var n) ? n : 0, null))
                .Where(l => l.Quantity != 0)
                .OrderBy(l => l.ArticleCode, StringComparer.Ordinal)
                .ToList();
            var card = form["CardUid"].ToString().Trim();
            // The page says so before sending; a sale without articles or card is no sale to record.
            var hint = lines.Count == 0 ? "Till.EmptyBasket"
                : card.Length == 0 ? "Till.NoCard"
                : card.Length > Cards.MaxUidLength ? "Till.Problem.unknown_card"
                : null;
            if (hint is not null)
            {
                return new RazorComponentResult<TillResult>(new { Hint = hint, TerminalId = terminal.Id });
            }
            var outcome = await posting.PostAsync(terminal, form["SaleId"], new SaleRequest(card, lines), context.RequestAborted);
            return new RazorComponentResult<TillResult>(new { Sale = outcome.Done, outcome.Problem, TerminalId = terminal.Id });
        });

        till.MapPost("/annulation", async (HttpContext context, Terminals terminals, SalePosting posting) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (await TerminalAsync(context, terminals, form["TerminalId"]) is not { } terminal || !Guid.TryParse(form["SaleId"], out var saleId))
            {
                return Results.NotFound();
            }
            var outcome = await posting.VoidAsync(terminal, saleId, context.RequestAborted);
            return new RazorComponentResult<TillResult>(new { Voided = outcome.Done, outcome.Problem, TerminalId = terminal.Id });
        });

        MapServedMeals(till);
    }

    /// <summary>
    /// With the Meals module on, a card read shows the meals its pupil booked today and "Servi" hands one out: the
    /// meal was paid when booked, so serving records it and moves no money. Without a booked meal the till sells as always.
    /// </summary>
    static void MapServedMeals(RouteGroupBuilder till)
    {
        till.MapPost("/repas", async (HttpContext context, Terminals terminals, MealServings servings, IGrainFactory grains, TimeProvider clock) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (await TerminalAsync(context, terminals, form["TerminalId"]) is null || !await MealsOnAsync(context, grains))
            {
                return Results.NotFound();
            }
            var card = form["CardUid"].ToString().Trim();
            return card.Length is 0 or > Cards.MaxUidLength
                || await servings.ForCardAsync(context.School()!.Id, card, SchoolTime.Today(clock), context.RequestAborted) is not { } meals
                ? Results.Content("", "text/html")
                : new RazorComponentResult<TillResult>(new { Meals = meals });
        });

        till.MapPost("/servi", async (HttpContext context, Terminals terminals, MealServings servings, IGrainFactory grains, TimeProvider clock) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (await TerminalAsync(context, terminals, form["TerminalId"]) is not { } terminal || !await MealsOnAsync(context, grains))
            {
                return Results.NotFound();
            }
            if (!Guid.TryParse(form["BookingId"], out var bookingId))
            {
                return new RazorComponentResult<TillResult>(new { Serve = new ServeResult(ServeOutcome.UnknownBooking, null, null) });
            }
            var user = SignedInUser.From(context.User)!;
            var schoolId = context.School()!.Id;
            var today = SchoolTime.Today(clock);
            var result = await servings.ServeAsync(schoolId, bookingId, today, user.Id.ToString(), user.DisplayName, terminal.Id, clock.GetUtcNow(),
                context.RequestAborted);
            if (result is { Outcome: ServeOutcome.Served, PupilId: { } pupil })
            {
                // The kitchen's served counts for today read themselves again.
                grains.Publish(new MealsChanged(schoolId, today, [pupil]));
            }
            return new RazorComponentResult<TillResult>(new { Serve = result });
        });
    }

    static async Task<bool> MealsOnAsync(HttpContext context, IGrainFactory grains) =>
        (await grains.GetGrain<ISchoolGrain>(context.School()!.Id).GetEnabledModulesAsync()).Contains(SchoolModule.Meals);

    static async Task<Terminal?> TerminalAsync(HttpContext context, Terminals terminals, string? terminalId) =>
        Guid.TryParse(terminalId, out var id)
            ? (await terminals.ListAsync(context.School()!.Id, context.RequestAborted)).FirstOrDefault(t => t.Id == id)
            : null;
}