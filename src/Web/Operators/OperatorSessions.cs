using System.Security.Claims;
using ItSchool.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace ItSchool.Web.Operators;

/// <summary>
/// The operator's session: a cookie of its own, sent only to <c>/plateforme</c>, never a school's session.
/// A school's cookie opens nothing here and this one opens nothing in a school.
/// </summary>
public static class OperatorSessions
{
    public const string Scheme = "Operator";
    public const string Role = "PlatformOperator";
    const string StampClaim = "itschool:operator-stamp";

    public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder(Scheme).RequireRole(Role).Build();

    /// <summary>Its <c>Secure</c> flag follows the installation's, with the school's cookies (see <c>SecurityHeaders</c>).</summary>
    public static void AddOperatorSessions(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "itschool.operator";
            options.Cookie.Path = "/plateforme";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.LoginPath = "/plateforme/connexion";
            options.AccessDeniedPath = "/plateforme/connexion";
            // The operator holds every school's keys: a short, non-sliding session.
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
            options.Events.OnValidatePrincipal = async context =>
            {
                var operators = context.HttpContext.RequestServices.GetRequiredService<PlatformOperators>();
                if (Id(context.Principal!) is not { } id
                    || !Guid.TryParse(context.Principal!.FindFirstValue(StampClaim), out var stamp)
                    || await operators.SessionStampAsync(id, context.HttpContext.RequestAborted) != stamp)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme);
                }
            };
        });

    public static Task SignInAsync(HttpContext context, PlatformOperator person) =>
        context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, person.Id.ToString()),
            new Claim(ClaimTypes.Name, person.DisplayName),
            new Claim(ClaimTypes.Role, Role),
            new Claim(StampClaim, person.SessionStamp.ToString()),
        ], Scheme)), new AuthenticationProperties { IsPersistent = false });

    public static Guid? Id(ClaimsPrincipal principal) =>
        principal.IsInRole(Role) && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static string? Name(ClaimsPrincipal principal) => principal.IsInRole(Role) ? principal.FindFirstValue(ClaimTypes.Name) : null;
}