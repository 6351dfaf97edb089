using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Première connexion": the token from the invitation (or reset) mail, then "Mise à jour du mot de passe".
/// The first step only checks the token; the second uses it up and sets the password in one go.
/// </summary>
public static class FirstConnection
{
    public static void MapFirstConnection(this RouteGroupBuilder school)
    {
        school.MapGet("/premiere-connexion", (string? jeton) =>
            new RazorComponentResult<FirstConnectionPage>(new { Token = jeton }));

        school.MapPost("/premiere-connexion", async (HttpContext context, LoginTokens tokens, [FromForm] TokenForm form) =>
        {
            var check = await tokens.CheckAsync(context.School()!.Id, form.Token, context.RequestAborted);
            return check.State == TokenState.Valid
                ? (IResult)new RazorComponentResult<NewPasswordPage>(new { Token = form.Token!.Trim(), check.UserName })
                : new RazorComponentResult<FirstConnectionPage>(new { Token = form.Token, Problem = check.State });
        }).RequireRateLimiting(AccountsFeature.SecretsPolicy);

        school.MapPost("/premiere-connexion/mot-de-passe", SetPasswordAsync).RequireRateLimiting(AccountsFeature.SecretsPolicy);
    }

    static async Task<IResult> SetPasswordAsync(HttpContext context, LoginTokens tokens, AccountDirectory accounts,
        GuardianLinks pupils, IGrainFactory grains, [FromForm] NewPasswordForm form)
    {
        var school = context.School()!;
        var check = await tokens.CheckAsync(school.Id, form.Token, context.RequestAborted);
        if (check.State != TokenState.Valid)
        {
            return new RazorComponentResult<FirstConnectionPage>(new { form.Token, Problem = check.State });
        }
        var problem = PasswordRules.Check(form.Password, form.Confirmation, check.UserName!);
        if (problem is not null)
        {
            return new RazorComponentResult<NewPasswordPage>(new { form.Token, check.UserName, Problem = problem });
        }
        var (state, userId) = await tokens.RedeemAsync(school.Id, form.Token, PasswordHash.Create(form.Password!), context.RequestAborted);
        if (state != TokenState.Valid)
        {
            return new RazorComponentResult<FirstConnectionPage>(new { form.Token, Problem = state });
        }
        // The token changed the session stamp: live connections opened before it close on every node.
        grains.Publish(new SessionsEnded(school.Id, userId!.Value, null));
        var account = (await accounts.FindAsync(school.Id, userId.Value, context.RequestAborted))!;
        return await SignIn.StartSessionAsync(context, pupils, account, remember: false, returnUrl: null);
    }

    public sealed class TokenForm
    {
        public string? Token { get; set; }
    }

    public sealed class NewPasswordForm
    {
        public string? Token { get; set; }
        public string? Password { get; set; }
        public string? Confirmation { get; set; }
    }
}