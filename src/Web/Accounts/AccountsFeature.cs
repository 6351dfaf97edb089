using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Pupils;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Accounts;

/// <summary>Everything about getting in and staying in: sessions, tokens, lockout, rate limits, account mail.</summary>
public sealed class AccountsFeature : Feature
{
    /// <summary>The rate-limit policy on every endpoint that checks a secret (password, token) or sends mail.</summary>
    public const string SecretsPolicy = "secrets";

    public override void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<GuardianLinks>();
        services.AddSingleton<ParentAccounts>();
        services.AddSingleton<StaffAccounts>();
        services.AddSingleton<LoginTokens>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<AccountMails>();
        services.AddOptions<SmtpSettings>().BindConfiguration(SmtpSettings.Section);
        services.AddHostedService<MailDelivery>();
        builder.AddLiveTopic<PersonLiveTopic>();

        services.AddAuthorizationBuilder()
            .AddPolicy(nameof(Role.Parent), policy => policy.RequireRole(nameof(Role.Parent)))
            .AddPolicy(nameof(Role.Manager), policy => policy.RequireRole(nameof(Role.Manager)));
        services.AddSessions();

        var permitsPerMinute = builder.Configuration.GetValue("ItSchool:RateLimits:SecretsPerMinute", 20);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The error page (Shell/ErrorPages.cs) tells when to try again from this header.
            options.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter =
                        ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(SecretsPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    public static void UseAccounts(WebApplication app)
    {
        app.UseRateLimiter();
        ReachRestThroughLinkCutOnStop(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    // ASP.NET Core's rate-limiting middleware never disposes the limiter it builds for endpoints (dotnet/aspnetcore#69061):
    // that limiter's timer holds the middleware, and through the next delegate the whole app, until the process ends.
    // Harmless with one app per process; the tests start a hundred, which kept every one of them in memory.
    static void ReachRestThroughLinkCutOnStop(WebApplication app) => app.Use(next =>
    {
        var rest = new StrongBox<RequestDelegate?>(next);
        app.Lifetime.ApplicationStopped.Register(() => rest.Value = null);
        return context =>
        {
            if (rest.Value is { } reached)
            {
                return reached(context);
            }
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
    });

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapSignIn();
        school.MapSignOut();
        school.MapFirstConnection();
        school.MapForgottenPassword();
        school.MapMyAccess();
        school.MapFamilyAccounts();
    }
}