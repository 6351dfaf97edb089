using System.Net;
using ItSchool.Platform;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Dashboard;

namespace ItSchool.Web.Platform;

/// <summary>Health endpoints for load balancers and containers, and the Orleans dashboard for operators.</summary>
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

    /// <summary>
    /// <c>ItSchool:OrleansDashboard</c>, on unless set to false: an operator may do without the dashboard (it samples
    /// every grain's statistics every second on every silo), and a test node that never opens it starts faster.
    /// </summary>
    public static bool HasOrleansDashboard(IConfiguration configuration) => configuration.GetValue("ItSchool:OrleansDashboard", true);

    public static void MapOperations(this WebApplication app)
    {
        // Middleware rather than endpoints: they answer before any school is looked up, so "live" never
        // touches the database (a node whose PostgreSQL is away is alive, and says 503 to its visitors).
        app.UseHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.UseHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });

        // The dashboard shows every grain and silo of every school: it answers only on the machine itself
        // (an SSH tunnel or `docker compose exec` reaches it), never to the public address: a request relayed
        // by a proxy on the machine that is not configured as trusted still carries its X-Forwarded-For.
        if (!HasOrleansDashboard(app.Configuration))
        {
            return;
        }
        app.MapOrleansDashboard("/ops/orleans").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
                && !context.HttpContext.Request.Headers.ContainsKey("X-Forwarded-For")
                ? await next(context)
                : Results.NotFound());
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