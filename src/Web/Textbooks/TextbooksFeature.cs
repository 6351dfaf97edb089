using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// "Manuels scolaires": per class and school year the school publishes its list of textbooks and materials, open between
/// two dates; families choose per item and confirm once, paid from the wallet or by an invoice, the confirmation a PDF in
/// the child's documents; the school sees who has not answered, reminds them, exports the bookseller's totals and marks
/// the items handed out and the rentals returned (which refunds their deposit).
/// </summary>
public sealed class TextbooksFeature : Feature
{
    public override SchoolModule? Module => SchoolModule.Textbooks;

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TextbookStore>();
        builder.Services.AddSingleton<TextbookConfirmations>();
    }

    public override IEnumerable<MenuEntry> Menu =>
    [
        MenuEntry.For("Menu.Textbooks", ParentTextbookPages.Root, 27, Role.Parent),
        MenuEntry.For("Menu.Textbooks", SchoolTextbookPages.Root, 117, Role.Manager),
    ];

    public override Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        DemoTextbooks.SeedAsync(services.GetRequiredService<TextbookStore>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    public override Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader) => ParentTextbookPages.DashboardCardsAsync(reader);

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapParentTextbooks();
        school.MapSchoolTextbooks();
    }
}