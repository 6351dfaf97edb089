using ItSchool.Platform.Database;
using ItSchool.Platform.Orleans;
using Npgsql;
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
builder.UseOrleans(silo => silo.UseItSchoolCluster(connectionString, settings).ListenOn(settings).AddDashboard());
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapHealthChecks("/health/live");
app.MapGet("/health/ready", async (IGrainFactory grains) =>
{
    var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
    return hosts.Count > 0 ? Results.Text("Healthy") : Results.Problem("No active silo", statusCode: 503);
});
await app.RunAsync();
return 0;