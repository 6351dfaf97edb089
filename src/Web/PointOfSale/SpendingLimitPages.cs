using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Pupils;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Primitives;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// The child's spending limits (<c>/portefeuille/limites</c>, the guardians') and the school's ceilings
/// (<c>/gestion/caisses/plafonds</c>). A saved change is told to the purse, which judges the next sale with it.
/// </summary>
public static class SpendingLimitPages
{
    /// <summary>A scope's two amounts as typed, and the problem found in them, if any.</summary>
    public sealed record TypedLimit(string Daily, string Weekly, string? Problem);

    public static void MapSpendingLimits(this RouteGroupBuilder school)
    {
        var limits = school.MapGroup("/portefeuille/limites").RequireAuthorization(nameof(Role.Parent));

        limits.MapGet("", async (HttpContext context, GuardianLinks pupils, SpendingLimitSettings settings, Catalogue catalogue) =>
            await context.OpenChildAsync(pupils) is { } child
                ? await ParentPageAsync(context, settings, catalogue, child, null, null)
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        limits.MapPost("", async (HttpContext context, GuardianLinks pupils, SpendingLimitSettings settings, Catalogue catalogue, IGrainFactory grains) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return Results.NotFound();
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var ceilings = await settings.CeilingsAsync(child.SchoolId, context.RequestAborted);
            var (amounts, typed) = Read(form, scope => ceilings.GetValueOrDefault(scope));
            var articles = await catalogue.ListAsync(child.SchoolId, context.RequestAborted);
            var blockedArticles = Distinct(form["Article"]);
            var blockedCategories = Distinct(form["Category"]);
            // Only what the school sells can be ticked: anything else was not on the page.
            var unknown = blockedArticles.Any(code => !articles.Any(a => a.Code == code))
                || blockedCategories.Any(category => !articles.Any(a => a.Category == category))
                || blockedArticles.Count + blockedCategories.Count > SpendingLimitSettings.MaxBlocks;
            if (amounts is null || unknown)
            {
                return await ParentPageAsync(context, settings, catalogue, child, typed, unknown ? "Problem.UnknownArticle" : null);
            }
            await settings.SaveAsync(child.Id, SignedInUser.From(context.User)!.Id, amounts, blockedArticles, blockedCategories, context.RequestAborted);
            await grains.GetGrain<IPurseGrain>(child.Id).RulesChangedAsync();
            return Flash.Redirect(context, "portefeuille/limites", "saved");
        });

        var ceilingsPage = school.MapGroup("/gestion/caisses/plafonds").RequireAuthorization(nameof(Role.Manager));

        ceilingsPage.MapGet("", async (HttpContext context, SpendingLimitSettings settings) =>
            new RazorComponentResult<SpendingCeilingsPage>(new
            {
                Typed = Typed(await settings.CeilingsAsync(context.School()!.Id, context.RequestAborted)),
            }));

        ceilingsPage.MapPost("", async Task<IResult> (HttpContext context, SpendingLimitSettings settings) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var (amounts, typed) = Read(form, _ => null);
            if (amounts is null)
            {
                return new RazorComponentResult<SpendingCeilingsPage>(new { Typed = typed });
            }
            await settings.SaveCeilingsAsync(context.School()!.Id, amounts, context.RequestAborted);
            return Flash.Redirect(context, "gestion/caisses/plafonds", "ceilings-saved");
        });
    }

    static async Task<IResult> ParentPageAsync(HttpContext context, SpendingLimitSettings settings, Catalogue catalogue, Pupil child,
        IReadOnlyDictionary<int, TypedLimit>? typed, string? problem)
    {
        var spending = await settings.ForChildAsync(child.SchoolId, child.Id, context.RequestAborted);
        var articles = (await catalogue.ListAsync(child.SchoolId, context.RequestAborted))
            .Where(a => a.Active || spending.BlockedArticles.Contains(a.Code)).ToList();
        return new RazorComponentResult<SpendingLimitsPage>(new
        {
            Child = child,
            Spending = spending,
            Typed = typed ?? Typed(spending.Limits),
            Articles = articles,
            Problem = problem,
        });
    }

    /// <summary>
    /// The amounts of each scope as posted, checked: an amount in euros up to the maximum or empty, and within the school's
    /// ceiling where there is one. Null amounts when any is wrong; what was typed comes back either way.
    /// </summary>
    static (IReadOnlyDictionary<int, LimitAmounts>? Amounts, IReadOnlyDictionary<int, TypedLimit> Typed) Read(IFormCollection form,
        Func<int, LimitAmounts?> ceilingOf)
    {
        var amounts = new Dictionary<int, LimitAmounts>();
        var typed = new Dictionary<int, TypedLimit>();
        foreach (var scope in SpendingLimitSettings.Scopes)
        {
            var (daily, weekly) = (form[$"Daily{scope}"].ToString().Trim(), form[$"Weekly{scope}"].ToString().Trim());
            var read = TryAmount(daily, out var dailyCents) & TryAmount(weekly, out var weeklyCents);
            var chosen = new LimitAmounts(dailyCents, weeklyCents);
            var problem = !read ? "Problem.Amount" : ceilingOf(scope) is { } ceiling && !chosen.Within(ceiling) ? "Problem.Ceiling" : null;
            typed[scope] = new TypedLimit(daily, weekly, problem);
            if (problem is null)
            {
                amounts[scope] = chosen;
            }
        }
        return (typed.Values.Any(t => t.Problem is not null) ? null : amounts, typed);
    }

    static bool TryAmount(string text, out long? cents)
    {
        cents = null;
        if (text.Length == 0)
        {
            return true;
        }
        if (!Money.TryParseCents(text, out var parsed) || parsed > SpendingLimitSettings.MaxLimitCents)
        {
            return false;
        }
        cents = parsed;
        return true;
    }

    static Dictionary<int, TypedLimit> Typed(IReadOnlyDictionary<int, LimitAmounts> amounts) =>
        SpendingLimitSettings.Scopes.ToDictionary(scope => scope, scope => amounts.GetValueOrDefault(scope) is { } set
            ? new TypedLimit(Text(set.DailyCents), Text(set.WeeklyCents), null)
            : new TypedLimit("", "", null));

    static string Text(long? cents) => cents is { } c ? Money.Amount(c) : "";

    static List<string> Distinct(StringValues values) => [.. values.OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0).Distinct()];
}