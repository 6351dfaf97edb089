using System.Collections.Concurrent;
using System.Security.Claims;
using ItSchool.Accounts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ItSchool.Web.Accounts;

/// <summary>Configuration section <c>ItSchool:Microsoft</c>.</summary>
public sealed class MicrosoftSettings
{
    public const string Section = "ItSchool:Microsoft";

    /// <summary>Where tenants' discovery documents live; the tests point it at their own provider.</summary>
    public Uri Authority { get; set; } = new("https://login.microsoftonline.com");
}

/// <summary>
/// The provider's side of the code flow for one school's application: its discovery document and signing keys
/// (cached and refreshed per tenant by IdentityModel's configuration manager), the code exchange, and the checks
/// on the id token — signature, issuer, audience, lifetime and nonce.
/// </summary>
public sealed class MicrosoftTokens(IHttpClientFactory http, Microsoft.Extensions.Options.IOptions<MicrosoftSettings> settings)
{
    readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> tenants = new();
    readonly JsonWebTokenHandler handler = new();

    public Task<OpenIdConnectConfiguration> DiscoverAsync(MicrosoftApplication application, CancellationToken cancellationToken) =>
        tenants.GetOrAdd(application.TenantId, tenant =>
        {
            var authority = settings.Value.Authority;
            var metadata = $"{authority.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{Uri.EscapeDataString(tenant)}/v2.0/.well-known/openid-configuration";
            // Only a provider on this machine (the tests') may answer over plain HTTP.
            var retriever = new HttpDocumentRetriever(http.CreateClient(nameof(MicrosoftTokens))) { RequireHttps = !authority.IsLoopback };
            return new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(), retriever);
        }).GetConfigurationAsync(cancellationToken);

    /// <summary>Exchanges the authorization code (with the PKCE verifier) for the id token; null when the provider refuses.</summary>
    public async Task<string?> RedeemAsync(OpenIdConnectConfiguration provider, MicrosoftApplication application, string clientSecret,
        string code, string verifier, string redirectUri, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(nameof(MicrosoftTokens)).PostAsync(provider.TokenEndpoint, new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri),
            new("client_id", application.ClientId),
            new("client_secret", clientSecret),
            new("code_verifier", verifier),
        ]), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        return body?.IdToken;
    }

    /// <summary>The id token's claims when every check passes; null otherwise.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(OpenIdConnectConfiguration provider, MicrosoftApplication application, string idToken, string nonce)
    {
        if (!handler.CanReadToken(idToken))
        {
            return null;
        }
        // The "organizations"/"common" documents name the issuer with a {tenantid} placeholder: it is the token's own tenant.
        var tenant = handler.ReadJsonWebToken(idToken).TryGetPayloadValue<string>("tid", out var tid) ? tid : "";
        var result = await handler.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = provider.Issuer.Replace("{tenantid}", tenant, StringComparison.Ordinal),
            ValidAudience = application.ClientId,
            IssuerSigningKeys = provider.SigningKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(2),
        });
        return result.IsValid && result.ClaimsIdentity.FindFirst("nonce")?.Value == nonce ? result.ClaimsIdentity : null;
    }

    sealed record TokenResponse([property: System.Text.Json.Serialization.JsonPropertyName("id_token")] string? IdToken);
}