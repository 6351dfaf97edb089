using ItSchool.Notifications;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Notifications;

/// <summary>
/// Notification preferences: every user's choices per kind (e-mail at once, in the daily digest or off; push), quiet hours and
/// the digest's hour; the daily digest; the unsubscribe links; the family news that had no mail (new invoice, document,
/// order, absence to justify). Every sender tells through <see cref="NotificationRouting"/>.
/// </summary>
public sealed class NotificationsFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationPreferences>();
        builder.Services.AddSingleton<NotificationDigests>();
        builder.Services.AddSingleton<NotificationMails>();
        builder.Services.AddSingleton<DigestJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DigestJob>());
        builder.Services.AddSingleton<FamilyNews>();
        builder.Services.AddSingleton<FamilyNewsMails>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FamilyNewsMails>());
    }

    public override void MapOutsideSchools(WebApplication app) => app.MapUnsubscribe();

    public override void MapInSchool(RouteGroupBuilder school) => school.MapNotificationPreferences();

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<FamilyNews>().MarkAllToldAsync(services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
}