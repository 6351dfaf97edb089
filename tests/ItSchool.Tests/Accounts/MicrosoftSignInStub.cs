using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ItSchool.Tests.Accounts;

/// <summary>
/// A stand-in for Microsoft's identity platform on loopback: per tenant a discovery document and its JWKS (one
/// RSA key), an /authorize that signs in whoever <see cref="Next"/> says without asking and sends the browser back
/// with a code, and a /token that checks the code, client secret and PKCE verifier before returning a signed id token.
/// </summary>
public sealed class MicrosoftSignInStub : IAsyncDisposable
{
    public const string ClientSecret = "stub-secret";
    readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "stub-key" };
    readonly RsaSecurityKey otherKey = new(RSA.Create(2048)) { KeyId = "stub-key" };
    readonly ConcurrentDictionary<string, Grant> grants = new();
    WebApplication? app;

    public Uri BaseAddress { get; private set; } = null!;
    public string TenantId { get; } = Guid.NewGuid().ToString();
    public string ClientId { get; } = Guid.NewGuid().ToString();

    /// <summary>Who signs in at the next /authorize, and how the token is spoiled, if it is.</summary>
    public Identity Next { get; set; } = new("direction@demo.example.be");

    /// <summary>What /authorize last received, for the tests to read.</summary>
    public IQueryCollection? LastAuthorize { get; private set; }

    public sealed record Identity(string? Email, string? ObjectId = null, bool? DomainVerified = null, string? PreferredUsername = null,
        bool WrongKey = false, string? Audience = null, string? Nonce = null, string? TenantId = null);

    sealed record Grant(Identity Identity, string ClientId, string RedirectUri, string Challenge, string Nonce);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) =>
        {
            var root = $"{BaseAddress.ToString().TrimEnd('/')}/{tenant}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = $"{root}/v2.0",
                ["authorization_endpoint"] = $"{root}/oauth2/v2.0/authorize",
                ["token_endpoint"] = $"{root}/oauth2/v2.0/token",
                ["jwks_uri"] = $"{root}/discovery/v2.0/keys",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            var parameters = key.Rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        });
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext context) =>
        {
            var query = context.Request.Query;
            LastAuthorize = query;
            var code = Guid.NewGuid().ToString("N");
            grants[code] = new Grant(Next, query["client_id"]!, query["redirect_uri"]!, query["code_challenge"]!, query["nonce"]!);
            return Results.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"]!, new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"] }));
        });
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var verifier = form["code_verifier"].ToString();
            if (!grants.TryRemove(form["code"].ToString(), out var grant) || form["client_id"] != grant.ClientId || form["client_secret"] != ClientSecret
                || form["redirect_uri"] != grant.RedirectUri
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            return Results.Json(new { token_type = "Bearer", id_token = IdToken(tenant, grant) });
        });
        await app.StartAsync();
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    string IdToken(string tenant, Grant grant)
    {
        var who = grant.Identity;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = who.TenantId ?? tenant,
            ["oid"] = who.ObjectId ?? Guid.NewGuid().ToString(),
            ["sub"] = Guid.NewGuid().ToString("N"),
            ["nonce"] = who.Nonce ?? grant.Nonce,
            ["name"] = "Stub User",
        };
        if (who.Email is not null)
        {
            claims["email"] = who.Email;
        }
        if (who.PreferredUsername is not null)
        {
            claims["preferred_username"] = who.PreferredUsername;
        }
        if (who.DomainVerified is { } verified)
        {
            claims["xms_edov"] = verified;
        }
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"{BaseAddress.ToString().TrimEnd('/')}/{tenant}/v2.0",
            Audience = who.Audience ?? grant.ClientId,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(who.WrongKey ? otherKey : key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}