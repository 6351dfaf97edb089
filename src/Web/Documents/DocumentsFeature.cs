using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Documents;

/// <summary>"Documents": the school sends files to pupils' families and sees who opened them; parents read them (and find their invoices there).</summary>
public sealed class DocumentsFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Documents;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DocumentSettings>().BindConfiguration(DocumentSettings.Section)
            .Validate(settings => settings.MaxBytes > 0 && settings.ReminderWindow >= TimeSpan.Zero, "ItSchool:Documents needs a positive MaxBytes")
            .ValidateOnStart();
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddSingleton<DocumentReminderMails>();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Documents", "documents", 115, Role.Parent),
        MenuEntry.For("Menu.SchoolDocuments", SchoolDocumentPages.Root, 117, Role.Manager),
    ];

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentDocumentPages.DashboardCardsAsync(reader);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapSchoolDocuments();
        school.MapParentDocuments();
    }

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) => DemoDocuments.SeedAsync(services, cancellationToken);
}