using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>"Connexion": user name or e-mail address and password; "Déconnexion".</summary>
public static class SignIn
{
    public static void MapSignIn(this RouteGroupBuilder school)
    {
        school.MapGet("/connexion", (string? returnUrl) => new RazorComponentResult<SignInPage>(new { ReturnUrl = returnUrl }));
        school.MapPost("/connexion", SignInAsync).RequireRateLimiting(AccountsFeature.SecretsPolicy);
    }

    static async Task<IResult> SignInAsync(HttpContext context, AccountDirectory accounts, GuardianLinks pupils,
        SignInThrottle throttle, InstallationSettings installation, [FromForm] SignInForm form)
    {
        var school = context.School()!;
        var login = form.Login?.Trim() ?? "";
        if (login.Length == 0 || string.IsNullOrEmpty(form.Password))
        {
            return Failed(SignInProblem.WrongCredentials);
        }
        if (await throttle.IsLockedAsync(school.Id, login, context.RequestAborted))
        {
            return Failed(SignInProblem.LockedOut);
        }
        // The demo's password is published: outside demo mode it opens nothing, even if a row still holds it.
        var account = installation.Demo || form.Password != DemoSchool.Password
            ? await accounts.SignInAsync(school.Id, login, form.Password, context.RequestAborted)
            : null;
        if (account is null)
        {
            await throttle.RecordFailureAsync(school.Id, login, context.RequestAborted);
            return Failed(SignInProblem.WrongCredentials);
        }
        await throttle.ClearAsync(school.Id, login, account.Id, context.RequestAborted);
        return await StartSessionAsync(context, pupils, account, form.Remember, form.ReturnUrl);

        RazorComponentResult<SignInPage> Failed(SignInProblem problem) =>
            new(new { form.ReturnUrl, Login = login, Problem = problem });
    }

    /// <summary>
    /// Signs the person in and sends them where they belong: a parent with one child into that child's
    /// account, a parent with several to "Liste des comptes", a teacher to their meeting grids, a canteen
    /// operator to the till (when the school uses those modules), everyone else to their dashboard.
    /// </summary>
    public static async Task<IResult> StartSessionAsync(HttpContext context, GuardianLinks pupils, UserAccount account,
        bool remember, string? returnUrl)
    {
        var children = account.Role == Role.Parent
            ? await pupils.ChildrenOfAsync(account.SchoolId, account.Id, context.RequestAborted)
            : [];
        await Sessions.SignInAsync(context, account, children.Count == 1 ? children[0] : null, remember);
        var home = $"{context.Request.PathBase}/";
        if (children.Count > 1)
        {
            return TypedResults.Redirect(home + "comptes");
        }
        // The return address comes from the query string: only a path inside this school's own address is followed.
        return TypedResults.Redirect(LocalUrl.IsInside(returnUrl, home) ? returnUrl! : home + await LandingAsync(context, account));
    }

    static async Task<string> LandingAsync(HttpContext context, UserAccount account)
    {
        var (module, page) = account.Role switch
        {
            Role.Teacher => ((SchoolModule?)SchoolModule.Meetings, "reunions/mes-grilles"),
            Role.Canteen => (SchoolModule.PointOfSale, "caisse"),
            _ => (null, "tableau-de-bord"),
        };
        if (module is null)
        {
            return page;
        }
        var modules = await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(account.SchoolId)
            .GetEnabledModulesAsync();
        return modules.Contains(module.Value) ? page : "tableau-de-bord";
    }

    // Properties rather than a positional record: a checkbox left unticked sends no field at all.
    public sealed class SignInForm
    {
        public string? Login { get; set; }
        public string? Password { get; set; }
        public bool Remember { get; set; }
        public string? ReturnUrl { get; set; }
    }
}

public enum SignInProblem
{
    WrongCredentials,
    LockedOut,
}