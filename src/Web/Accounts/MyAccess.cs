using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>"Mon accès utilisateur": change the password, with the current one, optionally ending other sessions.</summary>
public static class MyAccess
{
    public static void MapMyAccess(this RouteGroupBuilder school)
    {
        school.MapGet("/mon-acces", () => new RazorComponentResult<MyAccessPage>()).RequireAuthorization();

        school.MapPost("/mon-acces", async (HttpContext context, AccountDirectory accounts, PupilDirectory pupils,
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
                form.SignOutEverywhere, context.RequestAborted);
            if (changed is null)
            {
                return new RazorComponentResult<MyAccessPage>(new { Problem = (object)MyAccessProblem.WrongCurrentPassword });
            }
            // This session carries on with the new stamp; the others end at their next request.
            var pupil = user.PupilId is { } pupilId
                ? (await pupils.ChildrenOfAsync(school.Id, user.Id, context.RequestAborted)).FirstOrDefault(p => p.Id == pupilId)
                : null;
            await Sessions.RenewAsync(context, changed, pupil);
            return new RazorComponentResult<MyAccessPage>(new { Changed = true });
        }).RequireAuthorization().RequireRateLimiting(AccountsSetup.SecretsPolicy);
    }

    public sealed class ChangePasswordForm
    {
        public string? Current { get; set; }
        public string? Password { get; set; }
        public string? Confirmation { get; set; }
        public bool SignOutEverywhere { get; set; }
    }
}

public enum MyAccessProblem
{
    WrongCurrentPassword,
}