using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>
/// "Réserver plusieurs jours": a meal on some weekdays over a period, seen meal by meal with its total, then booked in
/// one go — one booking and one debit per meal, all or nothing: if one day refuses, the meals already booked by that
/// confirmation are cancelled and refunded.
/// </summary>
public static class MealPatternPages
{
    public static void MapMealPatterns(this RouteGroupBuilder school)
    {
        var parent = school.MapGroup("/repas/plusieurs-jours").RequireAuthorization(nameof(Role.Parent));

        parent.MapGet("", async (HttpContext context, GuardianLinks pupils, MealMenus menus, IGrainFactory grains, TimeProvider clock,
            IStringLocalizer<MealPatternText> P, string? repas, [FromQuery(Name = "jour")] int[]? days, string? du, string? au) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var chosen = (days ?? []).Where(d => d is >= 1 and <= 5).Select(d => (DayOfWeek)d).ToHashSet();
            var request = new PatternRequest(repas, chosen, ParseDay(du), ParseDay(au));
            var page = await PreviewAsync(child, request, menus, grains, clock, P, showPlan: repas is not null);
            return new RazorComponentResult<MealPatternPage>(new { View = page });
        });

        parent.MapPost("", async (HttpContext context, GuardianLinks pupils, MealMenus menus, IGrainFactory grains, TimeProvider clock,
            IStringLocalizer<MealPatternText> P, [FromForm] PatternForm form) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.NotFound();
            }
            var posted = (form.Days ?? []).Select(ParseDay).ToList();
            if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > 60 || form.Code is null || posted.Count is 0 or > 200 || posted.Any(d => d is null))
            {
                return Results.BadRequest();
            }
            var daysPosted = posted.Select(d => d!.Value).Order().ToList();
            var request = new PatternRequest(form.Code, daysPosted.Select(d => d.DayOfWeek).ToHashSet(), daysPosted[0], daysPosted[^1]);
            var page = await PreviewAsync(child, request, menus, grains, clock, P, showPlan: true);
            var user = SignedInUser.From(context.User)!;
            var replay = await ReplayAsync(grains, child, form.Key, daysPosted);
            if (replay is not null)
            {
                return Show(page with { Done = replay.Count > 0 ? replay : null, Problem = replay.Count > 0 ? null : P["Problem.AlreadyHandled"].Value });
            }
            // The meals and the total the parent saw must be those booked: a menu or a price changed since is shown again first.
            if (page.Plan is not { } plan || !plan.Meals.Select(m => m.Day).SequenceEqual(daysPosted) || plan.TotalCents != form.Total)
            {
                return Show(page with { Problem = P["Problem.Changed"] });
            }
            if (page.Problem is not null)
            {
                return Show(page);
            }
            var actor = new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
            var booked = new List<MealBookingView>();
            foreach (var meal in plan.Meals)
            {
                var result = await grains.Day(child.SchoolId, meal.Day).BookAsync(new MealBooking(DayKey(form.Key, meal.Day), child.Id, meal.Article.Code, actor));
                if (result.Booking is { } booking)
                {
                    booked.Add(booking);
                    continue;
                }
                var left = await UndoAsync(grains, booked, form.Key, actor);
                return Show(page with
                {
                    Problem = P["Problem.Refused", LongDay(meal.Day), P[$"Refusal.{Refusal(result.Refusal)}"]]
                        + (left.Count > 0 ? " " + P["Problem.Partial", string.Join(", ", left.Select(b => LongDay(b.Day)))] : ""),
                });
            }
            return Show(page with { Done = booked });
        });
    }

    static RazorComponentResult<MealPatternPage> Show(PatternView view) => new(new { View = view });

    /// <summary>The form's state, the child's offer over the period and, once an article is chosen, the plan and whether the purse can pay it.</summary>
    static async Task<PatternView> PreviewAsync(Pupil child, PatternRequest request, MealMenus menus, IGrainFactory grains, TimeProvider clock,
        IStringLocalizer<MealPatternText> P, bool showPlan)
    {
        var today = SchoolTime.Today(clock);
        var rules = await menus.LoadRulesAsync(child.SchoolId) ?? MealRules.Default;
        var last = today.AddDays(rules.HorizonDays);
        var from = request.From is { } f && f >= today && f <= last ? f : today.AddDays(1);
        var to = request.To is { } t && t >= from && t <= last ? t : (from.AddDays(27) < last ? from.AddDays(27) : last);
        var months = new Dictionary<(int, int), PupilMealMonth>();
        for (var month = new DateOnly(today.Year, today.Month, 1); month <= last; month = month.AddMonths(1))
        {
            if (await menus.MonthForPupilAsync(child.SchoolId, child.Id, month.Year, month.Month) is { } found)
            {
                months[(month.Year, month.Month)] = found;
            }
        }
        var offered = months.Values.SelectMany(m => m.Articles).Where(a => a.Key >= today && a.Key <= last).SelectMany(a => a.Value).ToList();
        var choices = offered.GroupBy(a => a.Code).Select(g => new ArticleChoice(g.Key,
            g.Select(a => a.Label).Distinct().Count() == 1 ? g.First().Label : P["Article.Varying", g.First().Label],
            g.Min(a => a.PriceCents), g.Max(a => a.PriceCents))).OrderBy(c => c.Text, StringComparer.CurrentCulture).ToList();
        IReadOnlySet<DayOfWeek> weekdays = request.Days.Count > 0 ? request.Days : new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        var view = new PatternView(child, choices, request.Code, weekdays, from, to, today, last, null, null, Guid.NewGuid().ToString("N"), null, null);
        if (!showPlan)
        {
            return view;
        }
        if (request.Code is null || choices.All(c => c.Code != request.Code))
        {
            return view with { Problem = P["Problem.ChooseArticle"] };
        }
        if (request.Days.Count == 0)
        {
            return view with { Problem = P["Problem.ChooseDays"] };
        }
        var plan = MealPlan.Of(months, rules, clock.GetUtcNow(), today, request.Days, from, to, request.Code);
        var compartmentNumber = plan.Meals.Select(m => m.Article.Compartment).FirstOrDefault(offered.First(a => a.Code == request.Code).Compartment);
        var compartment = (await grains.GetGrain<IPurseGrain>(child.Id).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == compartmentNumber);
        view = view with { Plan = plan, Compartment = compartment };
        var available = compartment is null ? 0 : compartment.BalanceCents - compartment.FloorCents;
        return plan.Meals.Count > 0 && plan.TotalCents > available
            ? view with { Problem = P["Problem.Insufficient", Money.Format(Math.Max(available, 0)), Money.Format(plan.TotalCents)] }
            : view;
    }

    /// <summary>
    /// A confirmation sent again (a double click, a reload): its meals were booked under its key, so the answers are
    /// read back instead of booking anything; null when the key is new. An empty list: that confirmation was undone.
    /// </summary>
    static async Task<List<MealBookingView>?> ReplayAsync(IGrainFactory grains, Pupil child, string key, IReadOnlyList<DateOnly> days)
    {
        var earlier = (await grains.Day(child.SchoolId, days[0]).GetBookingsAsync()).FirstOrDefault(b => b.RequestKey == DayKey(key, days[0]));
        if (earlier is null)
        {
            return null;
        }
        var found = new List<MealBookingView>();
        foreach (var day in days)
        {
            var booking = (await grains.Day(child.SchoolId, day).GetBookingsAsync()).FirstOrDefault(b => b.RequestKey == DayKey(key, day));
            if (booking is not { Holds: true })
            {
                return [];
            }
            found.Add(booking);
        }
        return found;
    }

    /// <summary>Cancels and refunds what this confirmation booked; answers the meals that could not be cancelled.</summary>
    static async Task<List<MealBookingView>> UndoAsync(IGrainFactory grains, IReadOnlyList<MealBookingView> booked, string key, Actor actor)
    {
        var left = new List<MealBookingView>();
        foreach (var booking in booked)
        {
            var undone = await grains.Day(booking.SchoolId, booking.Day).CancelAsync(booking.Id, $"{DayKey(key, booking.Day)}/undo", actor);
            if (undone.Refusal is not null)
            {
                left.Add(booking);
            }
        }
        return left;
    }

    static string DayKey(string key, DateOnly day) => $"pattern/{key}/{MealDays.Key(day)}";

    static string Refusal(BookingRefusal? refusal) => refusal switch
    {
        BookingRefusal.SoldOut or BookingRefusal.InsufficientFunds or BookingRefusal.DayClosed or BookingRefusal.AfterCutOff
            or BookingRefusal.Withdrawn => refusal.Value.ToString(),
        _ => "Other",
    };

    static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static string LongDay(DateOnly day) => day.ToString("dddd d MMMM", CultureInfo.CurrentCulture);
}

public sealed record PatternRequest(string? Code, IReadOnlySet<DayOfWeek> Days, DateOnly? From, DateOnly? To);

/// <summary>An article a pattern can book, by its code: its label (or the first one, when the dish changes daily) and its prices.</summary>
public sealed record ArticleChoice(string Code, string Text, long MinPriceCents, long MaxPriceCents);

public sealed record PatternView(Pupil Child, IReadOnlyList<ArticleChoice> Choices, string? Code, IReadOnlySet<DayOfWeek> Days, DateOnly From,
    DateOnly To, DateOnly Today, DateOnly Last, MealPlan? Plan, CompartmentView? Compartment, string Key, string? Problem,
    IReadOnlyList<MealBookingView>? Done);

public sealed class PatternForm
{
    public string? Key { get; set; }

    public string? Code { get; set; }

    public string[]? Days { get; set; }

    public long Total { get; set; }
}