using ItSchool.Mail;
using ItSchool.Notifications.Push;
using ItSchool.Web.Platform;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Notifications.Push;

/// <summary>
/// Web Push to the installed app: each user allows it per device (<c>/notifications/appareils</c>), and the push queue's
/// notices reach those devices through their browsers' push services, signed with the installation's VAPID key. Every
/// school has it: no module.
/// </summary>
public sealed class PushFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var demo = InstallationSettings.IsDemo(builder.Configuration);
        services.AddOptions<PushSettings>().BindConfiguration(PushSettings.Section)
            .Validate(settings => demo || !settings.AllowLocalEndpoints,
                "ItSchool:Push:AllowLocalEndpoints is for tests on a demo installation: in production it would let any user make the server call internal hosts.")
            .Validate(settings => !settings.HasConfiguredKeys || new VapidKeyPair(settings.PublicKey ?? "", settings.PrivateKey ?? "").IsValid(),
                "ItSchool:Push:PublicKey and ItSchool:Push:PrivateKey must both be set, as a P-256 key pair in base64url (or neither: the installation makes its own).")
            .Validate(settings => settings.Subject is null || IsSubject(settings.Subject),
                "ItSchool:Push:Subject must be a mailto: or https: address.")
            .ValidateOnStart();
        services.AddSingleton(provider => new PushSubject(SubjectOf(
            provider.GetRequiredService<IOptions<PushSettings>>().Value,
            provider.GetRequiredService<InstallationSettings>(),
            provider.GetRequiredService<IOptions<SmtpSettings>>().Value)));
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<PushSubscriptions>();
        services.AddSingleton<PushDeliveries>();
        services.AddSingleton<PushSender>();
        services.AddSingleton<PushDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<PushDelivery>());
    }

    public override void MapInSchool(RouteGroupBuilder school) => school.MapPushDevices();

    static bool IsSubject(string subject) =>
        subject.StartsWith("mailto:", StringComparison.Ordinal) && subject.Length > "mailto:".Length
        || Uri.TryCreate(subject, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>The configured subject; else the installation's https address; else the address its mail comes from.</summary>
    static string SubjectOf(PushSettings push, InstallationSettings installation, SmtpSettings smtp) =>
        push.Subject
        ?? (installation.PublicAddress is { Scheme: "https" } address ? address.GetLeftPart(UriPartial.Authority) : $"mailto:{smtp.FromAddress}");
}