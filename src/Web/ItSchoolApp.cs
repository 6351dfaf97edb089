using ItSchool.Web.Accounts;
using ItSchool.Web.BankStatements;
using ItSchool.Web.Invoices;
using ItSchool.Web.Live;
using ItSchool.Web.Management;
using ItSchool.Web.Meetings;
using ItSchool.Web.Operators;
using ItSchool.Web.Payments;
using ItSchool.Web.Platform;
using ItSchool.Web.PointOfSale;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;

namespace ItSchool.Web;

/// <summary>The web node, as a table of contents: each feature registers and maps itself.</summary>
public static class ItSchoolApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

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
        builder.AddSecurityHeaders();
        builder.AddFailures();
        builder.AddProblems();
        builder.AddInterface();
        builder.AddSchools();
        builder.AddAccounts();
        builder.AddOperators();
        builder.AddLive();
        builder.AddWallets();
        builder.AddPointOfSale();
        builder.AddPayments();
        builder.AddInvoices();
        builder.AddBankStatements();
        builder.AddMeetings();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseFailures();
        app.MapOperations();
        app.UseProxyHeaders();
        app.UseSchools();
        app.UseErrorPages();
        app.UseInterface();
        app.UseAccounts();
        app.UseModules();
        app.MapSchoolChooser();
        app.MapPlatform();
        app.MapLive();
        app.MapPosApiV1();
        app.MapPaymentWebhooks();
        app.MapBankStatementsApi();
        var school = app.MapSchool();
        school.MapAccounts();
        school.MapDashboard();
        school.MapWallets();
        school.MapFinances();
        school.MapSchoolWallets();
        school.MapTill();
        school.MapSalesJournal();
        school.MapPosAdmin();
        school.MapPayments();
        school.MapManagement();
        school.MapInvoices();
        school.MapBankStatements();
        school.MapMeetings();
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        return app;
    }
}