using ItSchool.Accounts;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Mot de passe oublié ?": a known address receives a new token (which replaces older ones); the answer
/// on screen is the same whether or not the address is known.
/// </summary>
public static class ForgottenPassword
{
    public static void MapForgottenPassword(this RouteGroupBuilder school)
    {
        school.MapGet("/mot-de-passe-oublie", () => new RazorComponentResult<ForgottenPasswordPage>());

        school.MapPost("/mot-de-passe-oublie", async (HttpContext context, AccountDirectory accounts, AccountMails mails,
            [FromForm] ForgottenPasswordForm form) =>
        {
            var school = context.School()!;
            var email = form.Email?.Trim() ?? "";
            if (email.Length > 0)
            {
                foreach (var account in await accounts.FindByEmailAsync(school.Id, email, context.RequestAborted))
                {
                    await mails.SendResetAsync(school, account, context.SchoolUrl(), context.RequestAborted);
                }
            }
            return new RazorComponentResult<ForgottenPasswordPage>(new { Sent = true });
        }).RequireRateLimiting(AccountsFeature.SecretsPolicy);
    }

    public sealed class ForgottenPasswordForm
    {
        public string? Email { get; set; }
    }
}