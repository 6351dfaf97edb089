using ItSchool.Operators;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ItSchool.Web.Operators;

/// <summary>
/// A start that finds no platform operator prints a one-time link where the first one creates their account:
/// there is no default account to forget to change. Every such start draws a new link; the older stops working.
/// </summary>
public sealed class SetupLink(PlatformOperators operators, InstallationSettings installation, ILogger<SetupLink> logger,
    IHostApplicationLifetime lifetime, IServer server) : IHostedService
{
    public const string Path = "/plateforme/installation";

    /// <summary>The last link printed, for the tests and the demo banner; null once an operator exists.</summary>
    public string? Printed { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await operators.IssueSetupLinkAsync(cancellationToken) is not { } token)
        {
            return;
        }
        // The node's own address is known only once it listens; the public one comes from configuration.
        lifetime.ApplicationStarted.Register(() =>
        {
            var root = installation.PublicAddress?.GetLeftPart(UriPartial.Path).TrimEnd('/')
                ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/')
                ?? ItSchoolApp.DefaultUrl;
            Printed = $"{root}{Path}?jeton={token}";
            logger.LogWarning("""

                No platform operator exists yet. Create the operator's account within {Hours} hours, once, at:
                  {SetupLink}
                (a new link is printed at each start until the account exists)
                """, (int)PlatformOperators.SetupLinkLifetime.TotalHours, Printed);
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}