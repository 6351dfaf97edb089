using ItSchool.Accounts;
using ItSchool.Events;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.Events;

/// <summary>"Évènements": the school publishes events for everyone, some classes or some pupils; families see theirs, and subscribe to them.</summary>
public sealed class EventsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Events;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SchoolEvents>();
        builder.Services.AddSingleton<EventCalendarFeeds>();
        builder.Services.AddSingleton<EventLinks>();
        builder.AddParentEvents();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Events", "evenements", 22, Role.Parent),
        MenuEntry.For("Menu.Events", "gestion/evenements", 112, Role.Manager),
    ];

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentEventPages.DashboardCardsAsync(reader);

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoEvents.SeedAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapParentEvents();
        school.MapEventAdmin();
    }
}