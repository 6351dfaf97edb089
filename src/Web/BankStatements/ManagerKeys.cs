using System.Text.Encodings.Web;
using ItSchool.BankStatements;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.BankStatements;

/// <summary>A manager API key (made on the <c>gestion/cles-api</c> page): it opens the admin API for its own school.</summary>
public sealed class ManagerKeys(ManagerApiKeys keys, IStringLocalizer<BankText> T, IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger, UrlEncoder encoder) : ApiKeyHandler<ManagerApiKey>(options, logger, encoder)
{
    public const string SchemeName = "ManagerKey";

    protected override Task<ManagerApiKey?> FindAsync(string key, CancellationToken cancellationToken) =>
        keys.AuthenticateAsync(key, cancellationToken);

    protected override (Guid SchoolId, Guid Id, string Name) Describe(ManagerApiKey key) => (key.SchoolId, key.Id, key.Name);

    protected override string InvalidKeyTitle => T["Api.InvalidKey"];
}