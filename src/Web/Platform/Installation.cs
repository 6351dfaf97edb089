using System.ComponentModel.DataAnnotations;
using System.Net;

using Microsoft.Extensions.Options;

namespace ItSchool.Web.Platform;

public static class Installation
{
    public static void AddInstallation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InstallationSettings>().BindConfiguration(InstallationSettings.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<InstallationSettings>>().Value);
        builder.Services.AddSingleton<Schools.SchoolAddresses>();
    }
}

/// <summary>
/// The installation-wide part of the <c>ItSchool</c> configuration section: demo mode or production, and
/// the public address every mail link is built from. Validated on start, so a production start without
/// its address stops at once with the variable to set rather than mailing parents a wrong link later.
/// </summary>
public sealed class InstallationSettings : IValidatableObject
{
    public const string Section = "ItSchool";

    /// <summary>
    /// Demo mode: the demo school, its accounts and keys, the sandbox payment provider. Only the README's
    /// run command (its launch profile) or an explicit <c>ItSchool:Demo=true</c> turns it on.
    /// </summary>
    public bool Demo { get; set; }

    /// <summary>The installation's public address (<c>https://portail.ecole.be</c>); required in production.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Whether the bare root lists the installation's schools; by default only in demo mode.</summary>
    public bool? ListSchools { get; set; }

    public bool SchoolsListed => ListSchools ?? Demo;

    public Uri? PublicAddress => Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Production behind an https address: HSTS, cookies that travel only over https, http sent to https.</summary>
    public bool HttpsOnly => !Demo && PublicAddress?.Scheme == Uri.UriSchemeHttps;

    public static bool IsDemo(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:Demo");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(PublicUrl))
        {
            if (!Demo)
            {
                yield return new ValidationResult(
                    "Set ItSchool__PublicUrl to the installation's public address (for example https://portail.ecole.be): " +
                    "mail links are built from it, never from the request's Host header.");
            }
            yield break;
        }
        if (PublicAddress is not { } address || address.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment) || !string.IsNullOrEmpty(address.UserInfo))
        {
            yield return new ValidationResult($"ItSchool__PublicUrl must be an absolute http(s) address without query, such as https://portail.ecole.be, not '{PublicUrl}'.");
        }
        else if (!Demo && address.Scheme == "http" && !IsLoopback(address))
        {
            yield return new ValidationResult(
                $"ItSchool__PublicUrl must use https in production ('{PublicUrl}'): passwords and sessions would cross the network in clear.");
        }
    }

    static bool IsLoopback(Uri address) =>
        address.IsLoopback || address.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address.Host, out var ip) && IPAddress.IsLoopback(ip));
}