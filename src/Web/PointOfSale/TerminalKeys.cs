using System.Text.Encodings.Web;
using ItSchool.PointOfSale;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.PointOfSale;

/// <summary>A terminal's key: it opens the terminals' API for its own school, and for the terminal's compartment.</summary>
public sealed class TerminalKeys(Terminals terminals, IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger, UrlEncoder encoder) : ApiKeyHandler<Terminal>(options, logger, encoder)
{
    public const string SchemeName = "TerminalKey";

    protected override Task<Terminal?> FindAsync(string key, CancellationToken cancellationToken) =>
        terminals.AuthenticateAsync(key, cancellationToken);

    protected override (Guid SchoolId, Guid Id, string Name) Describe(Terminal terminal) => (terminal.SchoolId, terminal.Id, terminal.Name);

    // Resolved only when a key is refused: the handler is made for every sale, and most sales carry a good key.
    protected override string InvalidKeyTitle =>
        PosAnswers.Title(PosProblem.InvalidKey, Context.RequestServices.GetRequiredService<IStringLocalizer<PosText>>());
}