using ItSchool.Web.Absences;
using ItSchool.Web.Accounts;
using ItSchool.Web.App;
using ItSchool.Web.BankStatements;
using ItSchool.Web.Documents;
using ItSchool.Web.Events;
using ItSchool.Web.Invoices;
using ItSchool.Web.Legal;
using ItSchool.Web.Live;
using ItSchool.Web.Management;
using ItSchool.Web.Meals;
using ItSchool.Web.Meetings;
using ItSchool.Web.Notifications;
using ItSchool.Web.Notifications.Push;
using ItSchool.Web.Operators;
using ItSchool.Web.Orders;
using ItSchool.Web.Payments;
using ItSchool.Web.Platform;
using ItSchool.Web.PointOfSale;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Textbooks;
using ItSchool.Web.Wallets;
using ItSchool.Web.Work;

namespace ItSchool.Web;

/// <summary>The web node, as a table of contents: the platform's parts, then every feature through its contract.</summary>
public static class ItSchoolApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Every feature (<see cref="Feature"/>), in the order the demo school seeds them.</summary>
    static readonly IReadOnlyList<Feature> AllFeatures =
    [
        new AccountsFeature(),
        new ManagementFeature(),
        new WorkFeature(),
        new WalletsFeature(),
        new PointOfSaleFeature(),
        new PaymentsFeature(),
        new InvoicesFeature(),
        new BankStatementsFeature(),
        new MeetingsFeature(),
        new MealsFeature(),
        new DocumentsFeature(),
        new EventsFeature(),
        new OrdersFeature(),
        new AbsencesFeature(),
        new TextbooksFeature(),
        new AppFeature(),
        new PushFeature(),
        new LegalFeature(),
        new MicrosoftSignInFeature(),
        // Last: its demo seed counts what the others seeded as already told.
        new NotificationsFeature(),
    ];

    /// <param name="configure">Runs after every feature registered itself: tests replace services here (the clock).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.AddInstallation();
        await builder.AddDatabaseAsync(cancellationToken);
        builder.AddCluster();
        builder.AddSharedKeys();
        builder.AddOperations();
        builder.AddObservability();
        builder.AddSecurityHeaders();
        builder.AddFailures();
        builder.AddProblems();
        builder.AddInterface();
        builder.AddSchools();
        builder.AddOperators();
        builder.AddLive();
        foreach (var feature in AllFeatures)
        {
            feature.AddServices(builder);
        }
        builder.Services.AddSingleton(new Features(AllFeatures));
        builder.Services.AddHostedService<DemoFeatures>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseRequestLog();
        app.UseSecurityHeaders();
        app.UseFailures();
        app.MapOperations();
        app.UseProxyHeaders();
        app.UseSchools();
        app.UseErrorPages();
        app.UseInterface();
        AccountsFeature.UseAccounts(app);
        app.UseLanguages();
        app.UseModules();
        app.UseTermsAcceptance();
        app.MapSchoolChooser();
        app.MapPlatform();
        app.MapLive();
        var school = app.MapSchool().RequireAcceptedTerms();
        school.MapDashboard();
        school.MapLanguages();
        foreach (var feature in AllFeatures)
        {
            feature.MapOutsideSchools(app);
            feature.MapInSchool(feature.Module is { } module ? school.MapGroup("").RequireModule(module) : school);
        }
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        return app;
    }
}