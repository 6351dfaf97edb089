using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>
/// Meals: the parents' month calendar for the child whose account is open, the day's dialog that books and
/// cancels (booking is payment, cancelling before the cut-off a refund), the projected balance and the dashboard card.
/// </summary>
public static class ParentMealPages
{
    public static void AddParentMeals(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ParentMealQueries>();
        builder.AddLiveTopic<MealsLiveTopic>();
    }

    public static void MapParentMeals(this RouteGroupBuilder school)
    {
        var meals = school.MapGroup("/repas").RequireAuthorization(nameof(Role.Parent));

        meals.MapGet("", async (string? mois, HttpContext context, [AsParameters] MealServices services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var view = await CalendarAsync(services, child, Month(mois, services.Clock), context.RequestAborted);
            return context.PageOrFragment<MealCalendarPage, MealCalendarView>(new { Child = child, View = view }, new { View = view });
        });

        meals.MapGet("/jour/{day}", async (string day, HttpContext context, [AsParameters] MealServices services) =>
            await context.OpenChildAsync(services.Pupils) is { } child && Day(day) is { } date
                ? (IResult)new RazorComponentResult<MealDayDialog>(new { Model = await DayAsync(services, child, date, null, false) })
                : Results.NotFound());

        meals.MapPost("/jour/{day}/reserver", async (string day, HttpContext context, [AsParameters] MealServices services, [FromForm] BookForm form) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child || Day(day) is not { } date)
            {
                return Results.NotFound();
            }
            var T = services.T;
            string message;
            var problem = true;
            PupilMealDay? seen = null;
            if (form.Pupil != child.Id)
            {
                message = T["Dialog.WrongChild", child.FirstName];
            }
            else if (!IsKey(form.Key) || string.IsNullOrWhiteSpace(form.Article))
            {
                message = T["Dialog.ExpiredForm"];
            }
            else
            {
                var user = SignedInUser.From(context.User)!;
                var result = await services.Grains.Day(child.SchoolId, date).BookAsync(new MealBooking($"parent/{form.Key}", child.Id, form.Article.Trim(),
                    new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)));
                problem = !result.Booked;
                seen = result.Day;
                message = result.Booking is { } booked
                    ? T["Dialog.Booked", booked.Label, SchoolTime.Date(date), Money.Format(result.BalanceCents ?? 0)]
                    : await RefusalAsync(services, child, date, result);
            }
            return new RazorComponentResult<MealDayDialog>(new { Model = await DayAsync(services, child, date, message, problem, seen) });
        });

        meals.MapPost("/jour/{day}/annuler", async (string day, HttpContext context, [AsParameters] MealServices services, [FromForm] CancelForm form) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child || Day(day) is not { } date)
            {
                return Results.NotFound();
            }
            var T = services.T;
            var grain = services.Grains.Day(child.SchoolId, date);
            string message;
            var problem = true;
            if (form.Pupil != child.Id)
            {
                message = T["Dialog.WrongChild", child.FirstName];
            }
            else if (!IsKey(form.Key))
            {
                message = T["Dialog.ExpiredForm"];
            }
            // The day's grain knows every pupil's bookings: only this child's may be cancelled from this child's page.
            else if ((await grain.GetBookingsAsync()).FirstOrDefault(b => b.Id == form.Booking && b.PupilId == child.Id) is not { } booking)
            {
                message = T["CancelRefusal.UnknownBooking", child.FirstName];
            }
            else
            {
                var user = SignedInUser.From(context.User)!;
                var result = await grain.CancelAsync(booking.Id, $"parent/{form.Key}", new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName));
                problem = result.Refusal is not null;
                message = result.Refusal switch
                {
                    null => T["Dialog.Cancelled", booking.Label, Money.Format(booking.AmountCents)],
                    CancelRefusal.AfterCutOff => T["Dialog.CannotCancel", SchoolTime.DateAndTime((await RulesAsync(services, child)).CutOff(date))],
                    var refusal => T[$"CancelRefusal.{refusal}", child.FirstName],
                };
            }
            return new RazorComponentResult<MealDayDialog>(new { Model = await DayAsync(services, child, date, message, problem) });
        });
    }

    /// <summary>The parent's card for the open child: the next meals booked (up to three) and the way to the calendar.</summary>
    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var today = SchoolTime.Today(reader.Services.GetRequiredService<TimeProvider>());
        var next = await reader.Services.GetRequiredService<ParentMealQueries>().HeldFromAsync(reader.SchoolId, child.Id, today, 3, reader.Aborted);
        return [DashboardCard.Of<MealDashboardCard>(25, new { Child = child, Next = next })];
    }

    public sealed record MealServices(GuardianLinks Pupils, MealMenus Menus, ParentMealQueries Queries, IGrainFactory Grains, TimeProvider Clock,
        IStringLocalizer<MealText> T);

    public sealed class BookForm
    {
        public string? Key { get; set; }
        public Guid Pupil { get; set; }
        public string? Article { get; set; }
    }

    public sealed class CancelForm
    {
        public string? Key { get; set; }
        public Guid Pupil { get; set; }
        public Guid Booking { get; set; }
    }

    /// <summary>The calendar region: the month, the balances of the compartments its meals are paid from, the projection.</summary>
    public sealed record CalendarView(Pupil Child, MealCalendarMonth Month, IReadOnlyList<CompartmentView> Compartments, long PurseVersion,
        MealProjection? Projection);

    /// <summary>An article of the day as this child would be charged for it, with the declared allergies that forbid it.</summary>
    public sealed record OfferedMeal(MealArticle Article, Allergens Blocking, string Key);

    public sealed record DayModel(Pupil Child, MealCalendarDay Day, IReadOnlyList<OfferedMeal> Articles, string? Message, bool Problem);

    static async Task<CalendarView> CalendarAsync(MealServices services, Pupil child, DateOnly first, CancellationToken cancellationToken)
    {
        var month = await services.Menus.MonthForPupilAsync(child.SchoolId, child.Id, first.Year, first.Month) ?? Nothing;
        var rules = month.Rules;
        var purse = await services.Grains.GetGrain<IPurseGrain>(child.Id).GetPurseAsync();
        var paidFrom = month.Articles.Values.SelectMany(a => a).Select(a => a.Compartment).ToHashSet();
        var compartments = purse.Compartments.Where(c => paidFrom.Contains(c.Compartment)).ToList();
        MealProjection? projection = null;
        if (compartments.Count > 0)
        {
            var today = SchoolTime.Today(services.Clock);
            var held = await services.Queries.HeldFromAsync(child.SchoolId, child.Id, today.AddDays(-7 * MealProjection.PaceWeeks), 10_000, cancellationToken);
            projection = MealProjection.Compute(compartments.Sum(c => c.BalanceCents - c.FloorCents), held.Select(m => (m.Day, m.AmountCents)).ToList(), today);
        }
        return new CalendarView(child, MealCalendar.Build(first, month, rules, services.Clock), compartments, purse.Version, projection);
    }

    static async Task<DayModel> DayAsync(MealServices services, Pupil child, DateOnly date, string? message, bool problem, PupilMealDay? seen = null)
    {
        // After a booking, the day's grain has just read the day and holds its bookings: read it again only when it did not.
        var month = seen?.AsMonth(date) ?? await services.Menus.DayForPupilAsync(child.SchoolId, child.Id, date) ?? Nothing;
        var day = MealCalendar.DayOf(date, month, month.Rules, SchoolTime.Today(services.Clock), services.Clock.GetUtcNow());
        // A key per article and per showing of the dialog: a double click books once, a second meal is a new showing.
        var articles = (month.Articles.TryGetValue(date, out var offered) ? offered : [])
            .Select(a => new OfferedMeal(a, a.Allergens & month.Allergies, Guid.NewGuid().ToString())).ToList();
        return new DayModel(child, day, articles, message, problem);
    }

    /// <summary>What a child who is no longer a pupil of the school sees: no menu, nothing booked.</summary>
    static readonly PupilMealMonth Nothing = new(Allergens.None, new Dictionary<DateOnly, IReadOnlyList<MealArticle>>(),
        new Dictionary<DateOnly, ClosureReason>(), [], MealRules.Default);

    static async Task<MealRules> RulesAsync(MealServices services, Pupil child) => await services.Menus.LoadRulesAsync(child.SchoolId) ?? MealRules.Default;

    static async Task<string> RefusalAsync(MealServices services, Pupil child, DateOnly date, BookingResult result)
    {
        var T = services.T;
        return result.Refusal switch
        {
            BookingRefusal.InsufficientFunds => T["Refusal.InsufficientFunds", Money.Format(result.AvailableCents ?? 0)],
            BookingRefusal.Allergen => T["Refusal.Allergen", child.FirstName, AllergenNames(T, result.Allergens)],
            BookingRefusal.AfterCutOff => T["Refusal.AfterCutOff", SchoolTime.DateAndTime((result.Day?.Rules ?? await RulesAsync(services, child)).CutOff(date))],
            BookingRefusal.ClassNotAllowed => T["Refusal.ClassNotAllowed", child.ClassName],
            var refusal => T[$"Refusal.{refusal}"],
        };
    }

    public static string AllergenNames(IStringLocalizer<MealText> T, Allergens allergens) =>
        string.Join(", ", Enum.GetValues<Allergens>().Where(a => a is not (Allergens.None or Allergens.All) && allergens.HasFlag(a))
            .Select(a => T[$"Allergen.{a}"].Value));

    static bool IsKey(string? key) => !string.IsNullOrWhiteSpace(key) && key.Length <= 80;

    static DateOnly? Day(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    static DateOnly Month(string? text, TimeProvider clock) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? first
            : SchoolTime.Today(clock) is var today ? new DateOnly(today.Year, today.Month, 1) : default;
}