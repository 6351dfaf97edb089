using ItSchool.Accounts;
using ItSchool.Legal;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Legal;

/// <summary>
/// "Conditions générales d'utilisation" and "Politique de protection des données": every school has them (no
/// module), with a default text written for this project until the manager publishes the school's own.
/// Parents are asked to accept the terms only once the school has published a version: the school is the
/// controller and the party to the terms, so parents agree to a text it chose, never to the software's
/// default that it may not have read (<see cref="TermsGate"/>).
/// </summary>
public sealed class LegalFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder) => builder.Services.AddSingleton<LegalTexts>();

    public override void MapInSchool(RouteGroupBuilder school) => school.MapLegalPages();

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (reader.User.Role != Role.Manager)
        {
            return [];
        }
        var history = await reader.Services.GetRequiredService<LegalTexts>().HistoryAsync(reader.SchoolId, LegalKind.Terms, reader.Aborted);
        return [DashboardCard.Of<LegalAdminCard>(90, new { Current = history.FirstOrDefault() })];
    }

    /// <summary>
    /// The demo school publishes the default texts as its first versions, accepted by its parents when seeded: the
    /// demo shows the published pages and the acceptance counts, and opens on the dashboard as before. A parent
    /// the demo's manager adds afterwards meets the acceptance page.
    /// </summary>
    public override async Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var texts = services.GetRequiredService<LegalTexts>();
        var t = services.GetRequiredService<IStringLocalizer<LegalText>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var school = await services.GetRequiredService<SchoolDirectory>().FindByIdAsync(DemoSchool.Id, cancellationToken);
        if (school is null || await texts.FirstManagerAsync(school.Id, cancellationToken) is not { } manager)
        {
            return;
        }
        foreach (var kind in Enum.GetValues<LegalKind>())
        {
            var defaults = LegalVersion.Languages.ToDictionary(l => l, l => LegalReading.DefaultIn(t, l, kind, school.Name));
            var version = await texts.PublishAsync(school.Id, kind, defaults, manager, now, cancellationToken);
            if (kind == LegalKind.Terms)
            {
                await texts.AcceptForEveryParentAsync(school.Id, version, now, cancellationToken);
            }
        }
    }
}