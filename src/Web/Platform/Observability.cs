using System.Net;
using ItSchool.Platform.Logging;
using ItSchool.Platform.Telemetry;
using ItSchool.Web.Operators;
using Microsoft.AspNetCore.Authentication;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Runtime;

namespace ItSchool.Web.Platform;

/// <summary>
/// What an operator watches on a web node: OpenTelemetry when an exporter is configured (see <see cref="Telemetry"/>),
/// Prometheus' <c>/metrics</c> when asked for, and every log line of a request scoped with its id and school.
/// </summary>
public static class Observability
{
    public const string MetricsPath = "/metrics";

    /// <summary>The same metrics for the operator's browser, under the path their session cookie is sent to.</summary>
    public const string OperatorMetricsPath = "/plateforme/metrics";

    public static void AddObservability(this WebApplicationBuilder builder)
    {
        // "Request starting/finished" lines carry the query string, and a link's token (?jeton=…) is in it. Pinned here
        // so that raising Microsoft.AspNetCore to Information does not print them; the request id and path are in every
        // line's scope anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        if (builder.AddItSchoolTelemetry("itschool-web") is not { } telemetry)
        {
            return;
        }
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation();
            if (Telemetry.Prometheus(builder.Configuration))
            {
                metrics.AddPrometheusExporter();
            }
        });
        if (Telemetry.Traces(builder.Configuration))
        {
            // Health probes every few seconds would bury the requests people make.
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(options =>
                options.Filter = context => !context.Request.Path.StartsWithSegments("/health")));
        }
    }

    /// <summary>First in the pipeline, so that every line of the request carries the scope.</summary>
    public static void UseRequestLog(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLog));
        app.Use(async (context, next) =>
        {
            var log = new RequestLog { RequestId = context.TraceIdentifier };
            context.Features.Set(log);
            RequestContext.Set(RequestLog.ContextKey, log);
            using (logger.BeginScope(log))
            {
                await next(context);
            }
        });
    }

    /// <summary>Names the request's school in its log scope, once the address or the API key says which.</summary>
    public static void LogSchool(this HttpContext context, Guid schoolId)
    {
        if (context.Features.Get<RequestLog>() is { } log)
        {
            log.SchoolId = schoolId;
        }
    }

    /// <summary>
    /// <c>/metrics</c> answers a scraper on the machine itself (loopback, not relayed by a proxy), and the operator's
    /// signed-in browser at <see cref="OperatorMetricsPath"/>; anyone else hears that it does not exist. Before the
    /// proxy headers are applied: the connection's own address is what counts.
    /// </summary>
    public static void MapMetrics(this WebApplication app)
    {
        if (!Telemetry.Prometheus(app.Configuration))
        {
            return;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
            predicate: context => context.Request.Path == MetricsPath || context.Request.Path == OperatorMetricsPath,
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                if (IsLocal(context) || await IsOperatorAsync(context))
                {
                    await next(context);
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }),
            optionsName: null);
    }

    /// <summary>
    /// From the machine itself: a request relayed by a proxy on the machine carries X-Forwarded-For, even when that proxy
    /// is not configured as trusted, and is not local.
    /// </summary>
    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote) && !context.Request.Headers.ContainsKey("X-Forwarded-For");

    static async Task<bool> IsOperatorAsync(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/plateforme")
        && (await context.AuthenticateAsync(OperatorSessions.Scheme)).Principal is { } principal && OperatorSessions.Id(principal) is not null;
}