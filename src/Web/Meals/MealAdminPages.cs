using System.Globalization;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>
/// Meals: the school's week of menus (articles per day, copy of an earlier week), closing and reopening a day,
/// withdrawing an article; closing or withdrawing refunds the bookings through the day's grain and tells the guardians.
/// The import, the rules and the pupils' pages are mapped from here too.
/// </summary>
public static partial class MealAdminPages
{
    public const string Root = "gestion/repas";

    public static void AddMealAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MealClosingMails>();
        builder.Services.AddSingleton<MealImport>();
    }

    public static void MapMealAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, MealMenus menus, CompartmentSettingsStore compartments, TimeProvider clock, string? semaine) =>
            await WeekPageAsync(context, menus, compartments, clock, WeekOf(semaine, clock), null, []));

        admin.MapPost("/jour/{day}/articles", async (string day, HttpContext context, MealMenus menus, CompartmentSettingsStore compartments,
            TimeProvider clock, IStringLocalizer<MealAdminText> A) =>
        {
            if (ParseDay(day) is not { } date)
            {
                return Results.NotFound();
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var known = await compartments.LoadAsync(schoolId, context.RequestAborted);
            var (article, problems) = ReadArticle(form, form["Code"], known, A);
            var current = (await menus.DaysAsync(schoolId, date, 1))[0];
            if (article is not null && current.Articles.Any(a => a.Article.Code == article.Code))
            {
                problems.Add(A["Problem.CodeTaken", article.Code]);
            }
            return await SaveDayAsync(context, menus, compartments, clock, A, date, problems,
                () => [.. current.Articles.Select(a => a.Article), article!], "added");
        });

        admin.MapPost("/jour/{day}/articles/{code}", async (string day, string code, HttpContext context, MealMenus menus,
            CompartmentSettingsStore compartments, TimeProvider clock, IStringLocalizer<MealAdminText> A) =>
        {
            if (ParseDay(day) is not { } date || await FindAsync(menus, context, date, code) is not var (current, found))
            {
                return Results.NotFound();
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var (article, problems) = ReadArticle(form, code, await compartments.LoadAsync(context.School()!.Id, context.RequestAborted), A);
            if (found.Withdrawn)
            {
                problems.Add(A["Problem.Withdrawn", code]);
            }
            return await SaveDayAsync(context, menus, compartments, clock, A, date, problems,
                () => [.. current.Articles.Select(a => a.Article.Code == code ? article! : a.Article)], "saved");
        });

        admin.MapPost("/jour/{day}/articles/{code}/supprimer", async (string day, string code, HttpContext context, MealMenus menus,
            CompartmentSettingsStore compartments, TimeProvider clock, IStringLocalizer<MealAdminText> A) =>
            ParseDay(day) is { } date && await FindAsync(menus, context, date, code) is var (current, _)
                ? await SaveDayAsync(context, menus, compartments, clock, A, date, [],
                    () => [.. current.Articles.Where(a => a.Article.Code != code).Select(a => a.Article)], "removed")
                : Results.NotFound());

        admin.MapPost("/jour/{day}/articles/{code}/retirer", async (string day, string code, HttpContext context, MealMenus menus,
            CompartmentSettingsStore compartments, TimeProvider clock, IGrainFactory grains, MealClosingMails mails, IStringLocalizer<MealAdminText> A,
            IStringLocalizer<MealText> M) =>
        {
            if (ParseDay(day) is not { } date || await FindAsync(menus, context, date, code) is not var (_, found))
            {
                return Results.NotFound();
            }
            if (date < SchoolTime.Today(clock))
            {
                return await WeekPageAsync(context, menus, compartments, clock, MondayOf(date), date, [A["Problem.PastDay"]]);
            }
            var refunded = await RefundingAsync(grains.Day(context.School()!.Id, date), RefundReason.ArticleWithdrawn,
                grain => grain.WithdrawAsync(found.Article.Code));
            await mails.SendAsync(context.School()!, refunded, () => M["Refund.ArticleWithdrawn"], context.RequestAborted);
            return Flash.Redirect(context, WeekUrl(date), "withdrawn", refunded.Count);
        });

        admin.MapPost("/jour/{day}/fermer", async (string day, HttpContext context, MealMenus menus, CompartmentSettingsStore compartments,
            TimeProvider clock, IGrainFactory grains, MealClosingMails mails, IStringLocalizer<MealAdminText> A, IStringLocalizer<MealText> M) =>
        {
            if (ParseDay(day) is not { } date)
            {
                return Results.NotFound();
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (!Enum.TryParse<ClosureReason>(form["Reason"], out var reason) || !Enum.IsDefined(reason) || int.TryParse(form["Reason"], out _))
            {
                return await WeekPageAsync(context, menus, compartments, clock, MondayOf(date), date, [A["Problem.Reason"]]);
            }
            if (date < SchoolTime.Today(clock))
            {
                return await WeekPageAsync(context, menus, compartments, clock, MondayOf(date), date, [A["Problem.PastDay"]]);
            }
            var current = (await menus.DaysAsync(context.School()!.Id, date, 1))[0];
            if (current.Held > 0 && form["Confirmed"] != "1")
            {
                var confirm = new { Day = current, Reason = reason };
                return context.PageOrFragment<MealClosePage, MealCloseDialog>(confirm);
            }
            var refunded = await RefundingAsync(grains.Day(context.School()!.Id, date), RefundReason.DayClosed, grain => grain.CloseAsync(reason));
            await mails.SendAsync(context.School()!, refunded, () => M[$"Closure.{reason}"], context.RequestAborted);
            return context.RedirectTo(Flash.Redirect(context, WeekUrl(date), "closed", refunded.Count).Url);
        });

        admin.MapPost("/jour/{day}/rouvrir", async (string day, HttpContext context, MealMenus menus, CompartmentSettingsStore compartments,
            TimeProvider clock, IStringLocalizer<MealAdminText> A) =>
        {
            if (ParseDay(day) is not { } date)
            {
                return Results.NotFound();
            }
            if (date < SchoolTime.Today(clock))
            {
                return await WeekPageAsync(context, menus, compartments, clock, MondayOf(date), date, [A["Problem.PastDay"]]);
            }
            await menus.ReopenDayAsync(context.School()!.Id, date);
            return Flash.Redirect(context, WeekUrl(date), "reopened");
        });

        admin.MapPost("/copier", async (HttpContext context, MealMenus menus, CompartmentSettingsStore compartments, TimeProvider clock,
            IStringLocalizer<MealAdminText> A) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (ParseDay(form["To"]) is not { } to)
            {
                return Results.NotFound();
            }
            var target = MondayOf(to);
            var from = ParseDay(form["From"]) is { } chosen ? MondayOf(chosen) : (DateOnly?)null;
            var problem = from switch
            {
                null => A["Problem.CopyFrom"],
                _ when from >= target => A["Problem.CopyFrom"],
                _ when target.AddDays(4) < SchoolTime.Today(clock) => A["Problem.PastWeek"],
                _ => null,
            };
            if (problem is not null)
            {
                return await WeekPageAsync(context, menus, compartments, clock, target, null, [problem]);
            }
            var copied = await menus.CopyWeekAsync(context.School()!.Id, from!.Value, target);
            return Flash.Redirect(context, WeekUrl(target), "copied", copied);
        });

        admin.MapMealImport();
        admin.MapMealRules();
        admin.MapMealPupils();
    }

    /// <summary>Runs a closing or a withdrawal and answers the bookings it refunded: those held before and refunded for that reason after.</summary>
    static async Task<IReadOnlyList<MealBookingView>> RefundingAsync(IMealDayGrain grain, RefundReason reason, Func<IMealDayGrain, Task> change)
    {
        var held = (await grain.GetBookingsAsync()).Where(b => b.Holds).Select(b => b.Id).ToHashSet();
        await change(grain);
        return [.. (await grain.GetBookingsAsync()).Where(b => held.Contains(b.Id) && b.RefundReason == reason)];
    }

    /// <summary>Writes the day's new list of articles, or shows the week again with what is wrong (nothing written).</summary>
    static async Task<IResult> SaveDayAsync(HttpContext context, MealMenus menus, CompartmentSettingsStore compartments, TimeProvider clock,
        IStringLocalizer<MealAdminText> A, DateOnly date, List<string> problems, Func<IReadOnlyList<MealArticle>> articles, string done)
    {
        if (date < SchoolTime.Today(clock))
        {
            problems.Insert(0, A["Problem.PastDay"]);
        }
        if (problems.Count == 0 && await menus.SetDayAsync(context.School()!.Id, date, articles()) is { } refused)
        {
            problems.Add(A[$"MenuProblem.{refused}"]);
        }
        return problems.Count > 0
            ? await WeekPageAsync(context, menus, compartments, clock, MondayOf(date), date, problems)
            : Results.Redirect(Flash.Redirect(context, WeekUrl(date), done).Url + $"#jour-{Key(date)}");
    }

    static async Task<(MenuDay Day, MenuArticle Article)?> FindAsync(MealMenus menus, HttpContext context, DateOnly date, string code)
    {
        var day = (await menus.DaysAsync(context.School()!.Id, date, 1))[0];
        return day.Articles.FirstOrDefault(a => a.Article.Code == code) is { } found ? (day, found) : null;
    }

    static async Task<IResult> WeekPageAsync(HttpContext context, MealMenus menus, CompartmentSettingsStore compartments, TimeProvider clock,
        DateOnly monday, DateOnly? problemDay, IReadOnlyList<string> problems)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<MealMenusPage>(new
        {
            Data = new MealMenusPage.Model(monday, await menus.DaysAsync(schoolId, monday), await compartments.LoadAsync(schoolId, context.RequestAborted),
                SchoolTime.Today(clock), problemDay, problems),
        });
    }

    /// <summary>The form's article, or every problem with it at once.</summary>
    static (MealArticle? Article, List<string> Problems) ReadArticle(IFormCollection form, string? code, IReadOnlyList<CompartmentSettings> compartments,
        IStringLocalizer<MealAdminText> A)
    {
        var problems = new List<string>();
        code = (code ?? "").Trim().ToUpperInvariant();
        if (!CodeShape().IsMatch(code))
        {
            problems.Add(A["Problem.Code"]);
        }
        var label = form["Label"].ToString().Trim();
        if (label.Length is 0 or > MealArticle.MaxLabel)
        {
            problems.Add(A["Problem.Label", MealArticle.MaxLabel]);
        }
        if (!Money.TryParseCents(form["Price"], out var price) || price > MealArticle.MaxPriceCents)
        {
            problems.Add(A["Problem.Price", Money.Format(MealArticle.MaxPriceCents)]);
        }
        if (!int.TryParse(form["Compartment"], NumberStyles.None, CultureInfo.InvariantCulture, out var compartment)
            || compartments.All(c => c.Compartment != compartment))
        {
            problems.Add(A["Problem.Compartment"]);
        }
        var allergens = MealAllergenNames.FromForm(form["Allergen"]);
        if (allergens is null)
        {
            problems.Add(A["Problem.Allergen"]);
        }
        var capacity = ReadCapacity(form["Capacity"]);
        if (capacity is null)
        {
            problems.Add(A["Problem.Capacity", MaxCapacity]);
        }
        return problems.Count > 0
            ? (null, problems)
            : (new MealArticle(code, label, price, compartment, allergens!.Value, capacity!.Value.Limit), problems);
    }

    public const int MaxCapacity = 100_000;

    /// <summary>Empty is unlimited (a null limit); null when it is neither empty nor a whole number from 1 to <see cref="MaxCapacity"/>.</summary>
    public static (int? Limit, bool Ok)? ReadCapacity(string? text)
    {
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            return (null, true);
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var capacity) && capacity is >= 1 and <= MaxCapacity
            ? (capacity, true)
            : null;
    }

    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static string Key(DateOnly day) => MealDays.Key(day);

    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The week asked for, else this one (the next one on a weekend, when this one is over).</summary>
    public static DateOnly WeekOf(string? asked, TimeProvider clock)
    {
        if (ParseDay(asked) is { } day)
        {
            return MondayOf(day);
        }
        var today = SchoolTime.Today(clock);
        return MondayOf(today.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? today.AddDays(2) : today);
    }

    public static string WeekUrl(DateOnly day) => $"{Root}?semaine={Key(MondayOf(day))}";

    [GeneratedRegex("^[A-Z0-9_-]{1,20}$")]
    public static partial Regex CodeShape();
}