using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Web.Legal;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Déconnexion": this session ends for good, not only in this browser: a copy of its cookie opens nothing
/// afterwards, and its live connections close on every web node. The person's other devices stay signed in.
/// </summary>
public static class SignOut
{
    public static void MapSignOut(this RouteGroupBuilder school) =>
        school.MapPost("/deconnexion", async (HttpContext context, AccountDirectory accounts, IGrainFactory grains,
            IOptionsMonitor<CookieAuthenticationOptions> cookies) =>
        {
            if (SignedInUser.From(context.User) is { SessionId: { } session } user)
            {
                await accounts.EndSessionAsync(user.SchoolId, user.Id, session, cookies.Get(Sessions.Scheme).ExpireTimeSpan,
                    context.RequestAborted);
                grains.Publish(new SessionsEnded(user.SchoolId, user.Id, session));
            }
            await context.SignOutAsync(Sessions.Scheme);
            return TypedResults.Redirect($"{context.Request.PathBase}/connexion");
        }).AllowWithoutAcceptedTerms();
}