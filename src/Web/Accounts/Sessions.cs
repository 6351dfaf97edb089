using Htmx;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ItSchool.Web.Accounts;

/// <summary>
/// The session cookie: issued at sign-in, re-issued when a parent switches child or changes password, and
/// checked at every request against the school and the person's session stamp.
/// </summary>
public static class Sessions
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static void AddSessions(this IServiceCollection services) =>
        services.AddAuthentication(Scheme).AddCookie(options =>
        {
            options.Cookie.Name = "itschool.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/connexion";
            options.AccessDeniedPath = "/tableau-de-bord";
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromDays(14);
            options.Events.OnValidatePrincipal = ValidateAsync;
            options.Events.OnRedirectToLogin = context =>
            {
                // htmx swaps fragments: a login page inside a fragment would be wrong, so it asks for a full redirect.
                if (context.Request.IsHtmx())
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Htmx(headers => headers.Redirect(context.RedirectUri));
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                return Task.CompletedTask;
            };
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });

    /// <summary>Starts a session; a parent with one child goes straight into that child's account.</summary>
    public static Task SignInAsync(HttpContext context, UserAccount account, Pupil? pupil, bool persistent) =>
        IssueAsync(context, account, pupil, Guid.CreateVersion7(), persistent);

    /// <summary>Re-issues the current session's cookie with new facts, keeping its id and "Se souvenir de moi" as they were.</summary>
    public static async Task RenewAsync(HttpContext context, UserAccount account, Pupil? pupil)
    {
        var current = await context.AuthenticateAsync(Scheme);
        var session = current.Principal is { } principal ? SignedInUser.From(principal)?.SessionId : null;
        await IssueAsync(context, account, pupil, session ?? Guid.CreateVersion7(), current.Properties?.IsPersistent ?? false);
    }

    static Task IssueAsync(HttpContext context, UserAccount account, Pupil? pupil, Guid sessionId, bool persistent) =>
        context.SignInAsync(Scheme, SignedInUser.Principal(account, pupil, sessionId, Scheme),
            new AuthenticationProperties { IsPersistent = persistent });

    static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var school = context.HttpContext.School();
        var user = SignedInUser.From(context.Principal!);
        // A session belongs to one school: carried to another school's address, it opens nothing there.
        if (school is null || user is null || user.SchoolId != school.Id)
        {
            context.RejectPrincipal();
            return;
        }
        // "Sign out everywhere" and password changes change the stamp: older sessions end at their next request;
        // a session that signed out stays ended even if a copy of its cookie survives.
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountDirectory>();
        var open = user.Role == Role.Parent
            ? await OpenChild.CheckParentSessionAsync(context.HttpContext, accounts, user)
            : await accounts.IsSessionOpenAsync(school.Id, user.Id, user.SessionStamp, user.SessionId, context.HttpContext.RequestAborted);
        if (!open)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}