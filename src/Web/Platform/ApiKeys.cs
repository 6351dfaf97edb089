using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Platform;

/// <summary>
/// The APIs' callers send a key as a Bearer token: a terminal its terminal key, a school's own program a
/// manager key. Each kind of key is an authentication scheme with a policy of the same name that accepts
/// only that scheme, so a session cookie opens no API and a key opens no page. A missing, unknown, revoked
/// or refused demo key, and a key of another school than the address's, all get the same answer: 401, a
/// problem with the code <c>invalid_key</c>, and <c>WWW-Authenticate: Bearer</c>. The key's school is the
/// request's for what follows (modules, data): a key opens nothing of another school.
/// </summary>
public static class ApiKeys
{
    public const string SchoolClaim = "itschool:school";

    /// <summary>Registers the scheme and its policy, both named <paramref name="scheme"/>.</summary>
    public static void AddApiKeyScheme<THandler>(this WebApplicationBuilder builder, string scheme) where THandler : AuthenticationHandler<AuthenticationSchemeOptions>
    {
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, THandler>(scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(scheme, policy => policy.AddAuthenticationSchemes(scheme).RequireAuthenticatedUser());
    }

    /// <summary>The school of the key the request was authenticated with; null for anyone else.</summary>
    public static Guid? KeySchoolId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SchoolClaim), out var id) ? id : null;

    /// <summary>What the key opened (a terminal, a manager key), for the endpoints behind its policy.</summary>
    public static TCaller ApiCaller<TCaller>(this HttpContext context) where TCaller : class =>
        context.Features.Get<TCaller>() ?? throw new InvalidOperationException($"No {typeof(TCaller).Name} authenticated this request.");
}

/// <summary>One kind of API key: how to find the key's holder, and what to call it.</summary>
public abstract class ApiKeyHandler<TCaller>(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder) where TCaller : class
{
    /// <summary>The key's holder, or null when the key is unknown, malformed or revoked.</summary>
    protected abstract Task<TCaller?> FindAsync(string key, CancellationToken cancellationToken);

    protected abstract (Guid SchoolId, Guid Id, string Name) Describe(TCaller caller);

    /// <summary>The problem's title for a key that opens nothing, in the reader's language.</summary>
    protected abstract string InvalidKeyTitle { get; }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization.ToString(), out var header)
            || !header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(header.Parameter))
        {
            return AuthenticateResult.NoResult();
        }
        var key = header.Parameter.Trim();
        if (Context.IsRefusedDemoKey(key) || await FindAsync(key, Context.RequestAborted) is not { } caller)
        {
            return AuthenticateResult.Fail("Unknown or revoked key.");
        }
        var (schoolId, id, name) = Describe(caller);
        if (Context.School() is { } school && school.Id != schoolId)
        {
            return AuthenticateResult.Fail("A key of another school.");
        }
        Context.Features.Set(caller);
        Context.LogSchool(schoolId);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, id.ToString()),
            new Claim(ClaimTypes.Name, name),
            new Claim(ApiKeys.SchoolClaim, schoolId.ToString()),
        ], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Problem(StatusCodes.Status401Unauthorized, "invalid_key", InvalidKeyTitle).ExecuteAsync(Context);
    }
}