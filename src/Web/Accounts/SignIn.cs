using System.Security.Claims;
using System.Threading.RateLimiting;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>Sign-in with user name (or e-mail) and password, and sign-out, per school.</summary>
public static class SignIn
{
    const string SignInPolicy = "sign-in";

    public static void AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AccountDirectory>();
        builder.Services.AddSingleton<PupilDirectory>();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "itschool.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = "/connexion";
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromDays(14);
                options.Events.OnValidatePrincipal = context =>
                {
                    // A session belongs to one school: carried to another school's address, it opens nothing.
                    var school = context.HttpContext.School();
                    if (school is null || SignedInUser.From(context.Principal!)?.SchoolId != school.Id)
                    {
                        context.RejectPrincipal();
                    }
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToLogin = context =>
                {
                    // htmx swaps fragments: a login page inside a fragment would be wrong, so it asks for a full redirect.
                    if (context.Request.Headers.ContainsKey("HX-Request"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers["HX-Redirect"] = context.RedirectUri;
                    }
                    else
                    {
                        context.Response.Redirect(context.RedirectUri);
                    }
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    public static void UseAccounts(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    public static void MapAccounts(this WebApplication app)
    {
        app.MapGet("/connexion", (string? returnUrl) =>
            new RazorComponentResult<SignInPage>(new { ReturnUrl = returnUrl }))
            .RequireSchool();

        app.MapPost("/connexion", SignInAsync).RequireSchool().RequireRateLimiting(SignInPolicy);

        app.MapPost("/deconnexion", async (HttpContext context) =>
        {
            await context.SignOutAsync();
            return TypedResults.Redirect($"{context.Request.PathBase}/connexion");
        }).RequireSchool();
    }

    static async Task<Results<RedirectHttpResult, RazorComponentResult<SignInPage>>> SignInAsync(
        HttpContext context, AccountDirectory accounts, [FromForm] SignInForm form)
    {
        var school = context.School()!;
        var account = string.IsNullOrWhiteSpace(form.Login) || string.IsNullOrEmpty(form.Password)
            ? null
            : await accounts.SignInAsync(school.Id, form.Login, form.Password, context.RequestAborted);
        if (account is null)
        {
            return new RazorComponentResult<SignInPage>(new { form.ReturnUrl, form.Login, Failed = true })
            {
                StatusCode = StatusCodes.Status200OK,
            };
        }

        var identity = new ClaimsIdentity(SignedInUser.ClaimsOf(account), CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = form.Remember });
        var home = $"{context.Request.PathBase}/";
        return TypedResults.Redirect(IsInside(form.ReturnUrl, home) ? form.ReturnUrl! : home + "tableau-de-bord");
    }

    // The return address comes from the query string: only a path inside this school's own address is
    // followed ("//evil.example" or "/\evil" would leave the site).
    static bool IsInside(string? url, string home) =>
        url is not null && url.StartsWith(home, StringComparison.Ordinal) && !url.Contains('\\') && !url.StartsWith("//");

    // Properties rather than a positional record: a checkbox left unticked sends no field at all.
    public sealed class SignInForm
    {
        public string? Login { get; set; }
        public string? Password { get; set; }
        public bool Remember { get; set; }
        public string? ReturnUrl { get; set; }
    }
}