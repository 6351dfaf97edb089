using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Work;
using Npgsql;

namespace ItSchool.Web.Meetings;

/// <summary>"Réunions de parents": the families' booking pages, the teachers' grids, the school's evenings, the live grids.</summary>
public sealed class MeetingsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Meetings;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MeetingEvenings>();
        builder.Services.AddSingleton<HouseholdAppointments>();
        builder.Services.AddSingleton<MeetingMails>();
        builder.Services.AddSingleton<IWorkKind, EveningMailsWork>();
        builder.AddLiveTopic<TimetableLiveTopic>();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Meetings", "reunions", 160, Role.Parent),
        MenuEntry.For("Menu.Meetings", "reunions/mes-grilles", 160, Role.Teacher),
        MenuEntry.For("Menu.Meetings", "gestion/reunions", 160, Role.Manager),
    ];

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (reader.User.Role == Role.Teacher)
        {
            return [DashboardCard.Of<ActionCard>(10, new { Href = "reunions/mes-grilles", ActionKey = "Dashboard.TeacherGrids" })];
        }
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var upcoming = await FamilyMeetingPages.UpcomingAsync(reader.Services.GetRequiredService<MeetingEvenings>(), child,
            reader.Services.GetRequiredService<TimeProvider>(), reader.Aborted);
        return upcoming.Select(evening => DashboardCard.Of<MeetingEventCard>(20, new { Evening = evening }));
    }

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoMeetings.CreateAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapFamilyMeetings();
        school.MapStaffMeetings();
        school.MapMeetingsAdmin();
        school.MapMeetingPdfs();
    }
}