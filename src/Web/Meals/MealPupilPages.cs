using ItSchool.Meals;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>The pupils' side of the school's meal pages: declared allergies per pupil, and the week's report (who booked nothing, what was refunded).</summary>
public static class MealPupilPages
{
    public static void MapMealPupils(this RouteGroupBuilder admin)
    {
        admin.MapGet("/allergies", async (HttpContext context, MealMenus menus, PupilRegistry registry, string? classe) =>
            await AllergiesPageAsync(context, menus, registry, classe, null));

        admin.MapPost("/allergies/{pupil:guid}", async (Guid pupil, HttpContext context, MealMenus menus, PupilRegistry registry,
            IStringLocalizer<MealAdminText> A) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var classe = form["classe"].ToString();
            if (MealAllergenNames.FromForm(form["Allergen"]) is not { } allergens)
            {
                return await AllergiesPageAsync(context, menus, registry, classe, A["Problem.Allergen"]);
            }
            if (!await menus.SetAllergiesAsync(context.School()!.Id, pupil, allergens))
            {
                return Results.NotFound();
            }
            var back = "gestion/repas/allergies" + (classe.Length > 0 ? $"?classe={Uri.EscapeDataString(classe)}" : "");
            return Flash.Redirect(context, back, "allergies");
        });

        admin.MapGet("/rapport", async (HttpContext context, MealMenus menus, TimeProvider clock, string? semaine) =>
        {
            var schoolId = context.School()!.Id;
            var monday = MealAdminPages.WeekOf(semaine, clock);
            var friday = monday.AddDays(4);
            var rules = await menus.LoadRulesAsync(schoolId, context.RequestAborted) ?? MealRules.Default;
            return new RazorComponentResult<MealReportPage>(new
            {
                Monday = monday,
                Unbooked = await menus.PupilsWithoutMealsAsync(schoolId, monday, friday, rules.AllowedClasses),
                Refunds = await menus.RefundsAsync(schoolId, monday, friday),
            });
        });
    }

    static async Task<IResult> AllergiesPageAsync(HttpContext context, MealMenus menus, PupilRegistry registry, string? classe, string? problem)
    {
        var schoolId = context.School()!.Id;
        var classes = await registry.ClassesAsync(schoolId, context.RequestAborted);
        var chosen = classes.Contains(classe ?? "") ? classe : null;
        return new RazorComponentResult<MealAllergiesPage>(new
        {
            Classes = classes,
            Class = chosen,
            Pupils = await registry.ListAsync(schoolId, chosen, context.RequestAborted),
            Allergies = await menus.AllergiesAsync(schoolId),
            Problem = problem,
        });
    }
}