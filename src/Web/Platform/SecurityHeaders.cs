using ItSchool.Web.Accounts;
using ItSchool.Web.Operators;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Platform;

/// <summary>
/// What every answer tells the browser, pages and APIs alike: scripts and styles only from the site's own
/// files (no inline script, no eval: htmx's own eval and injected style are turned off in Page.razor's
/// htmx-config), never inside someone else's frame, no type sniffing, no address (with its one-time
/// tokens) sent to another site; and, in production over https, HSTS and cookies that only travel over https.
/// </summary>
public static class SecurityHeaders
{
    // data: images are the EPC QR codes of the transfer dialogs. No form-action: a top-up form's redirect
    // leads to the payment provider's own page.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static void AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        foreach (var scheme in new[] { Sessions.Scheme, OperatorSessions.Scheme })
        {
            builder.Services.AddOptions<CookieAuthenticationOptions>(scheme)
                .PostConfigure<InstallationSettings>((options, installation) => options.Cookie.SecurePolicy = CookiePolicy(installation));
        }
        builder.Services.AddOptions<AntiforgeryOptions>()
            .PostConfigure<InstallationSettings>((options, installation) => options.Cookie.SecurePolicy = CookiePolicy(installation));
    }

    /// <summary>Secure cookies wherever the public address is https; the demo on http://127.0.0.1 keeps working.</summary>
    static CookieSecurePolicy CookiePolicy(InstallationSettings installation) =>
        installation.HttpsOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    public static void UseSecurityHeaders(this WebApplication app)
    {
        var hsts = app.Services.GetRequiredService<IOptions<InstallationSettings>>().Value.HttpsOnly;
        app.Use(async (context, next) =>
        {
            // On starting rather than now: an error answer written later still carries them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                // Mail links carry one-time tokens in their query: no address ever leaves for another site.
                headers["Referrer-Policy"] = "same-origin";
                if (hsts)
                {
                    headers.StrictTransportSecurity = "max-age=31536000";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}