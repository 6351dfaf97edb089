using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Se connecter avec Microsoft": the authorization-code flow with PKCE, state and nonce, done here rather than
/// with ASP.NET Core's OpenIdConnect handler because every school has its own Entra application (tenant, client,
/// secret, edited at any time by its manager) and its own callback address: the handler binds all of that to a
/// scheme's options, cached once per scheme, so one scheme per school would have to be added and its cached
/// options evicted at every edit. Discovery, keys and token validation are IdentityModel's (<see cref="MicrosoftTokens"/>).
/// The first sign-in links the Microsoft identity to the one account holding its verified address; later
/// sign-ins go by that link. It never creates an account.
/// </summary>
public static class MicrosoftSignIn
{
    public const string StartPath = "/connexion/microsoft";
    public const string CallbackPath = "/connexion/microsoft/retour";
    const string FlowCookie = "itschool.microsoft";

    /// <summary>Why a Microsoft sign-in did not open a session: a code in the sign-in page's address (<c>?microsoft=…</c>).</summary>
    public static readonly IReadOnlySet<string> Problems = new HashSet<string> { "unknown", "ambiguous", "unverified", "refused", "cancelled", "unavailable" };

    sealed record Flow(string State, string Nonce, string Verifier, string? ReturnUrl);

    public static void MapMicrosoftSignIn(this RouteGroupBuilder school)
    {
        school.MapGet(StartPath, StartAsync).RequireRateLimiting(AccountsFeature.SecretsPolicy);
        school.MapGet(CallbackPath, CallbackAsync).RequireRateLimiting(AccountsFeature.SecretsPolicy);
    }

    public static string RedirectUri(HttpContext context) => context.SchoolUrl() + CallbackPath;

    static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("ItSchool.Accounts.MicrosoftSignIn.Flow");

    static async Task<IResult> StartAsync(HttpContext context, MicrosoftSignIns store, MicrosoftTokens tokens, string? returnUrl)
    {
        var school = context.School()!;
        if (await store.ApplicationForAsync(school.Id, context.RequestAborted) is not { } application)
        {
            return TypedResults.NotFound();
        }
        OpenIdConnectConfiguration provider;
        try
        {
            provider = await tokens.DiscoverAsync(application, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return Problem(context, "unavailable");
        }
        var flow = new Flow(Random(), Random(), Random(), returnUrl);
        var challenge = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(flow.Verifier)));
        context.Response.Cookies.Append(FlowCookie,
            Protector(context).ToTimeLimitedDataProtector().Protect(JsonSerializer.Serialize(flow), TimeSpan.FromMinutes(15)),
            new CookieOptions
            {
                HttpOnly = true,
                // The provider sends the browser back with a top-level GET: Lax lets the cookie ride along.
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                Path = context.Request.PathBase + CallbackPath,
                MaxAge = TimeSpan.FromMinutes(15),
            });
        return TypedResults.Redirect(QueryHelpers.AddQueryString(provider.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = application.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri(context),
            ["response_mode"] = "query",
            ["scope"] = "openid profile email",
            ["state"] = flow.State,
            ["nonce"] = flow.Nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["prompt"] = "select_account",
        }));
    }

    static async Task<IResult> CallbackAsync(HttpContext context, MicrosoftSignIns store, MicrosoftTokens tokens, AccountDirectory accounts,
        GuardianLinks pupils, string? code, string? state, string? error)
    {
        var school = context.School()!;
        var flow = ReadFlow(context);
        context.Response.Cookies.Delete(FlowCookie, new CookieOptions { Path = context.Request.PathBase + CallbackPath });
        if (flow is null || state is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(flow.State)))
        {
            return Problem(context, "refused");
        }
        if (error is not null || code is null)
        {
            return Problem(context, error == "access_denied" ? "cancelled" : "refused");
        }
        if (await store.ApplicationForAsync(school.Id, context.RequestAborted) is not { } application)
        {
            return TypedResults.NotFound();
        }
        ClaimsIdentity? identity;
        bool issuerIsTenant;
        try
        {
            var provider = await tokens.DiscoverAsync(application, context.RequestAborted);
            var secret = MicrosoftSecrets.Unprotect(context.RequestServices, application.ProtectedSecret);
            var idToken = await tokens.RedeemAsync(provider, application, secret, code, flow.Verifier, RedirectUri(context), context.RequestAborted);
            if (idToken is null)
            {
                return Problem(context, "refused");
            }
            identity = await tokens.ValidateAsync(provider, application, idToken, flow.Nonce);
            issuerIsTenant = !provider.Issuer.Contains("{tenantid}", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or CryptographicException or JsonException)
        {
            return Problem(context, "unavailable");
        }
        if (identity?.FindFirst("tid")?.Value is not { Length: > 0 } tenant || identity.FindFirst("oid")?.Value is not { Length: > 0 } objectId)
        {
            return Problem(context, "refused");
        }

        var userId = await store.LinkedUserAsync(school.Id, tenant, objectId, context.RequestAborted);
        if (userId is null)
        {
            if (VerifiedAddress(identity, issuerIsTenant) is not { } address)
            {
                return Problem(context, "unverified");
            }
            var holders = await accounts.FindByEmailAsync(school.Id, address, context.RequestAborted);
            if (holders.Count != 1)
            {
                return Problem(context, holders.Count == 0 ? "unknown" : "ambiguous");
            }
            await store.LinkAsync(school.Id, tenant, objectId, holders[0].Id, context.RequestAborted);
            userId = holders[0].Id;
        }
        if (await accounts.FindAsync(school.Id, userId.Value, context.RequestAborted) is not { } account)
        {
            return Problem(context, "unknown");
        }
        return await SignIn.StartSessionAsync(context, pupils, account, false, flow.ReturnUrl);
    }

    /// <summary>
    /// The address Microsoft vouches for. Entra lets a user's <c>email</c> be any address an administrator typed, so
    /// it counts only with <c>xms_edov</c> true (the tenant owns the address's domain) — or when the application is
    /// pinned to one tenant (the school's own, whose administrators the school trusts with its addresses), where the
    /// sign-in name (<c>preferred_username</c>, a domain the tenant verified) or <c>email</c> counts.
    /// </summary>
    static string? VerifiedAddress(ClaimsIdentity identity, bool schoolsOwnTenant)
    {
        var email = identity.FindFirst("email")?.Value;
        var domainVerified = identity.FindFirst("xms_edov")?.Value is "true" or "True" or "1";
        if (domainVerified && !string.IsNullOrWhiteSpace(email))
        {
            return email;
        }
        return schoolsOwnTenant
            ? new[] { email, identity.FindFirst("preferred_username")?.Value }.FirstOrDefault(a => a is not null && a.Contains('@'))
            : null;
    }

    static Flow? ReadFlow(HttpContext context)
    {
        if (context.Request.Cookies[FlowCookie] is not { } cookie)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Flow>(Protector(context).ToTimeLimitedDataProtector().Unprotect(cookie));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    static RedirectHttpResult Problem(HttpContext context, string problem) =>
        TypedResults.Redirect($"{context.Request.PathBase}/connexion?microsoft={problem}");

    static string Random() => Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));

}