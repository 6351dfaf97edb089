using System.Net;
using ItSchool.Platform.Database;
using ItSchool.Platform.Orleans;
using ItSchool.Platform.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

// A standalone silo for a cluster: it needs ConnectionStrings__ItSchool, applies the migrations (safely
// alongside other starting processes) and joins the cluster through the PostgreSQL membership table.
// It listens on HTTP only for its health endpoints (containers' health checks).
var builder = WebApplication.CreateSlimBuilder(args);
var connectionString = builder.Configuration.GetConnectionString("ItSchool");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("ItSchool.Silo needs a database: set ConnectionStrings__ItSchool (for example " +
        "\"Host=db;Username=itschool;Password=…;Database=itschool\"). For a single node, run src/Web instead.");
    return 2;
}

using (var bootstrapLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true)))
{
    await using var db = NpgsqlDataSource.Create(connectionString);
    await Migrations.ApplyAsync(db, bootstrapLogging.CreateLogger("ItSchool.Database"));
}

var settings = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
builder.UseOrleans(silo =>
{
    silo.UseItSchoolCluster(connectionString, settings).ListenOn(settings);
    // Opt-in: the web node shows the dashboard to the platform operator, and it needs every silo's statistics,
    // which each silo pays for by sampling every grain each second.
    if (builder.Configuration.GetValue("ItSchool:OrleansDashboard", false))
    {
        silo.AddDashboard();
    }
    if (Telemetry.Traces(builder.Configuration))
    {
        silo.AddActivityPropagation();
    }
});
builder.Services.AddHealthChecks();
if (builder.AddItSchoolTelemetry("itschool-silo") is { } telemetry && Telemetry.Prometheus(builder.Configuration))
{
    telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
}

var app = builder.Build();
if (Telemetry.Prometheus(builder.Configuration))
{
    // A silo has no platform operator to sign in: its metrics answer a scraper on the machine itself only (a request
    // relayed by a proxy there carries X-Forwarded-For and is refused too).
    app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == "/metrics"
        && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For"));
}
app.MapHealthChecks("/health/live");
app.MapGet("/health/ready", async (IGrainFactory grains) =>
{
    var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
    return hosts.Count > 0 ? Results.Text("Healthy") : Results.Problem("No active silo", statusCode: 503);
});
await app.RunAsync();
return 0;