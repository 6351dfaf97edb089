using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Mon accès utilisateur": change the password, with the current one, which always ends the other sessions;
/// or end the other sessions alone ("Se déconnecter des autres appareils"). This session carries on.
/// </summary>
public static class MyAccess
{
    public static void MapMyAccess(this RouteGroupBuilder school)
    {
        school.MapGet("/mon-acces", () => new RazorComponentResult<MyAccessPage>()).RequireAuthorization();

        school.MapPost("/mon-acces", async (HttpContext context, AccountDirectory accounts, GuardianLinks pupils, IGrainFactory grains,
            [FromForm] ChangePasswordForm form) =>
        {
            var school = context.School()!;
            var user = SignedInUser.From(context.User)!;
            var account = (await accounts.FindAsync(school.Id, user.Id, context.RequestAborted))!;
            if (PasswordRules.Check(form.Password, form.Confirmation, account.UserName) is { } problem)
            {
                return new RazorComponentResult<MyAccessPage>(new { Problem = (object)problem });
            }
            var changed = await accounts.ChangePasswordAsync(school.Id, user.Id, form.Current ?? "", PasswordHash.Create(form.Password!),
                context.RequestAborted);
            if (changed is null)
            {
                return new RazorComponentResult<MyAccessPage>(new { Problem = (object)MyAccessProblem.WrongCurrentPassword });
            }
            await CarryOnAsync(context, pupils, grains, user, changed);
            return new RazorComponentResult<MyAccessPage>(new { Changed = true });
        }).RequireAuthorization().RequireRateLimiting(AccountsFeature.SecretsPolicy);

        school.MapPost("/mon-acces/autres-appareils", async (HttpContext context, AccountDirectory accounts, GuardianLinks pupils,
            IGrainFactory grains) =>
        {
            var user = SignedInUser.From(context.User)!;
            if (await accounts.EndOtherSessionsAsync(user.SchoolId, user.Id, context.RequestAborted) is not { } account)
            {
                return Results.NotFound();
            }
            await CarryOnAsync(context, pupils, grains, user, account);
            return (IResult)new RazorComponentResult<MyAccessPage>(new { OthersSignedOut = true });
        }).RequireAuthorization();
    }

    /// <summary>
    /// The stamp changed: this session is re-issued with the new one, and every web node closes the live
    /// connections of the others (they would otherwise stay open with their old principal).
    /// </summary>
    static async Task CarryOnAsync(HttpContext context, GuardianLinks pupils, IGrainFactory grains, SignedInUser user, UserAccount account)
    {
        var pupil = user.PupilId is { } pupilId
            ? (await pupils.ChildrenOfAsync(user.SchoolId, user.Id, context.RequestAborted)).FirstOrDefault(p => p.Id == pupilId)
            : null;
        await Sessions.RenewAsync(context, account, pupil);
        grains.Publish(new SessionsEnded(user.SchoolId, user.Id, null));
    }

    public sealed class ChangePasswordForm
    {
        public string? Current { get; set; }
        public string? Password { get; set; }
        public string? Confirmation { get; set; }
    }
}

public enum MyAccessProblem
{
    WrongCurrentPassword,
}