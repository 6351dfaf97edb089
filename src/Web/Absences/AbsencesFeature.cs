using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Absences;

/// <summary>
/// "Absences": the school takes each class's register per half-day, keeps its reasons and settings, imports its software's
/// absences and reads them per class, per pupil and as a CSV; families see their child's absences, justify them online and
/// report absences ahead (which releases the meals booked those days); the school reviews the justifications.
/// </summary>
public sealed class AbsencesFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Absences;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AbsenceRegister>();
        builder.Services.AddSingleton<AbsenceReasons>();
        builder.Services.AddSingleton<AbsenceImport>();
        builder.Services.AddSingleton<AbsenceReports>();
        builder.Services.AddSingleton<AbsenceJustifications>();
        builder.Services.AddSingleton<AdvanceReports>();
        builder.Services.AddSingleton<AbsenceMealRelease>();
        builder.Services.AddHostedService<AbsenceMealReleaseJob>();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Absences", "absences", 26, Role.Parent),
        MenuEntry.For("Menu.Absences", SchoolAbsencePages.Root, 116, Role.Manager),
    ];

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentAbsencePages.DashboardCardsAsync(reader);

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoAbsences.SeedAsync(services.GetRequiredService<AbsenceRegister>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapParentAbsences();
        school.MapSchoolAbsences();
        school.MapSchoolJustifications();
        school.MapAbsenceReasons();
        school.MapAbsenceImport();
        school.MapAbsenceReports();
    }
}