using System.Globalization;
using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>The school's booking rules (horizon, cut-off, classes allowed) and the prices it sets per class for an article.</summary>
public static class MealRulesPages
{
    public static void MapMealRules(this RouteGroupBuilder admin)
    {
        admin.MapGet("/regles", async (HttpContext context, MealMenus menus, PupilRegistry registry) =>
            await PageAsync(context, menus, registry, null, Empty, null, Empty));

        admin.MapPost("/regles", async (HttpContext context, MealMenus menus, PupilRegistry registry, IStringLocalizer<MealAdminText> A) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var classes = await registry.ClassesAsync(schoolId, context.RequestAborted);
            var problems = new Dictionary<string, string>();
            if (!int.TryParse(form["HorizonDays"], NumberStyles.None, CultureInfo.InvariantCulture, out var horizon) || horizon is < 1 or > MealRules.MaxHorizonDays)
            {
                problems["HorizonDays"] = A["Rules.Problem.Horizon", MealRules.MaxHorizonDays];
            }
            if (!TimeOnly.TryParseExact(form["CutOffTime"], ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                problems["CutOffTime"] = A["Rules.Problem.CutOffTime"];
            }
            if (!int.TryParse(form["CutOffSchoolDays"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > MealRules.MaxCutOffSchoolDays)
            {
                problems["CutOffSchoolDays"] = A["Rules.Problem.CutOffDays", MealRules.MaxCutOffSchoolDays];
            }
            var allowed = form["Class"].Select(c => c?.Trim() ?? "").Distinct().ToList();
            if (allowed.Any(c => !classes.Contains(c)))
            {
                problems["Class"] = A["Rules.Problem.Class"];
            }
            if (problems.Count > 0)
            {
                return (IResult)await PageAsync(context, menus, registry, Typed(form), problems, null, Empty);
            }
            await menus.SetRulesAsync(schoolId, new MealRules(horizon, time, days, allowed.Count == 0 ? null : allowed));
            return Flash.Redirect(context, "gestion/repas/regles", "rules");
        });

        admin.MapPost("/regles/prix", async (HttpContext context, MealMenus menus, PupilRegistry registry, IStringLocalizer<MealAdminText> A) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var classes = await registry.ClassesAsync(schoolId, context.RequestAborted);
            var problems = new Dictionary<string, string>();
            var code = form["ArticleCode"].ToString().Trim().ToUpperInvariant();
            if (!MealAdminPages.CodeShape().IsMatch(code))
            {
                problems["ArticleCode"] = A["Problem.Code"];
            }
            var chosen = form["PriceClass"].Select(c => c?.Trim() ?? "").Distinct().ToList();
            if (chosen.Count == 0 || chosen.Any(c => !classes.Contains(c)))
            {
                problems["PriceClass"] = A["Price.Problem.Classes"];
            }
            long? price = null;
            if (!string.IsNullOrWhiteSpace(form["Price"]))
            {
                if (Money.TryParseCents(form["Price"], out var cents) && cents <= MealArticle.MaxPriceCents)
                {
                    price = cents;
                }
                else
                {
                    problems["Price"] = A["Problem.Price", Money.Format(MealArticle.MaxPriceCents)];
                }
            }
            if (problems.Count == 0 && await menus.SetClassPriceAsync(schoolId, code, chosen, price) is { } refused)
            {
                problems["Price"] = A[$"MenuProblem.{refused}"];
            }
            if (problems.Count > 0)
            {
                return (IResult)await PageAsync(context, menus, registry, null, Empty, Typed(form), problems);
            }
            return Flash.Redirect(context, "gestion/repas/regles#prix", price is null ? "price-removed" : "price", chosen.Count);
        });
    }

    static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    static Dictionary<string, IReadOnlyList<string>> Typed(IFormCollection form) =>
        form.Where(f => f.Key != "__RequestVerificationToken").ToDictionary(f => f.Key, f => (IReadOnlyList<string>)[.. f.Value.Select(v => v ?? "")]);

    static async Task<IResult> PageAsync(HttpContext context, MealMenus menus, PupilRegistry registry,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? rulesForm, IReadOnlyDictionary<string, string> rulesProblems,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? priceForm, IReadOnlyDictionary<string, string> priceProblems)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<MealRulesPage>(new
        {
            Data = new MealRulesPage.Model(await menus.LoadRulesAsync(schoolId, context.RequestAborted) ?? MealRules.Default,
                await registry.ClassesAsync(schoolId, context.RequestAborted), await menus.ClassPricesAsync(schoolId), await menus.ArticleCodesAsync(schoolId),
                rulesForm, rulesProblems, priceForm, priceProblems),
        });
    }
}