using System.Net;
using ItSchool.Platform;
using ItSchool.Web.Operators;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Dashboard;

namespace ItSchool.Web.Platform;

/// <summary>Health endpoints for load balancers and containers, the metrics, and the Orleans dashboard for the platform operator.</summary>
public static class Operations
{
    public const string ReadyTag = "ready";

    public static void AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobLeases>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag]);
    }

    public const string DashboardPath = "/plateforme/orleans";

    /// <summary>
    /// <c>ItSchool:OrleansDashboard</c>: on in demo mode, off in production unless set to true. It shows every grain
    /// and silo of every school and samples every grain's statistics each second on every silo, which an installation
    /// pays for only when its operator wants it.
    /// </summary>
    public static bool HasOrleansDashboard(IConfiguration configuration) =>
        configuration.GetValue("ItSchool:OrleansDashboard", InstallationSettings.IsDemo(configuration));

    public static void MapOperations(this WebApplication app)
    {
        // Middleware rather than endpoints: they answer before any school is looked up, so "live" never
        // touches the database (a node whose PostgreSQL is away is alive, and says 503 to its visitors).
        app.UseHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.UseHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });

        app.MapMetrics();

        // Only for the signed-in platform operator, at the installation's address: it shows every school's grains, and
        // "from the machine itself" let any process or shell user there read them. Under /plateforme, where the
        // operator's cookie is sent.
        if (HasOrleansDashboard(app.Configuration))
        {
            app.MapOrleansDashboard(DashboardPath)
                .RequireAuthorization(OperatorSessions.Policy)
                .AddEndpointFilter(async (context, next) => context.HttpContext.School() is null ? await next(context) : Results.NotFound());
        }
    }

    sealed class DatabaseHealthCheck(NpgsqlDataSource db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = db.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is unreachable", e);
            }
        }
    }

    sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                    .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return hosts.Count > 0
                    ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)")
                    : HealthCheckResult.Unhealthy("No active silo");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The Orleans cluster does not answer", e);
            }
        }
    }
}