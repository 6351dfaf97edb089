using ItSchool.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace ItSchool.Platform.Telemetry;

/// <summary>
/// OpenTelemetry for a web node and a standalone silo alike. Off unless an exporter is configured: with neither
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> nor <c>ItSchool:Metrics:Prometheus</c>, nothing is registered, so no listener
/// turns the instruments and activity sources of the sale path into work.
/// </summary>
public static class Telemetry
{
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string PrometheusSetting = "ItSchool:Metrics:Prometheus";

    /// <summary>Traces and logs go out only through OTLP: without a collector, tracing would be paid for nothing.</summary>
    public static bool Otlp(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]);

    public static bool Prometheus(IConfiguration configuration) => configuration.GetValue(PrometheusSetting, false);

    /// <summary>
    /// Registers the providers when an exporter is configured, and returns the builder for the host's own
    /// instrumentation (ASP.NET Core, the Prometheus endpoint); null when telemetry is off.
    /// </summary>
    public static OpenTelemetryBuilder? AddItSchoolTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = Otlp(builder.Configuration);
        if (!otlp && !Prometheus(builder.Configuration))
        {
            return null;
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME, when set, names the process instead (several web nodes told apart by the collector).
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(ItSchoolMeter.Name, "Microsoft.Orleans")
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation());
        builder.Services.AddHostedService<OutboxMetrics.Refresh>();
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                    .SetSampler(new ParentBasedSampler(new NoBackgroundRoots()))
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.LifecycleActivitySourceName,
                        ActivitySources.StorageActivitySourceName)
                    .AddNpgsql())
                .WithLogging(_ => { }, logging =>
                {
                    // The school and request of each line (RequestLog) travel as scopes.
                    logging.IncludeScopes = true;
                    logging.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter();
        }
        return telemetry;
    }

    /// <summary>Tracing reaches grains only when it is on: the propagation filters run on every grain call.</summary>
    public static bool Traces(IConfiguration configuration) => Otlp(configuration);

    /// <summary>
    /// A trace starts where work arrives — an HTTP request, a grain call received (a reminder's tick) — not at each
    /// outgoing command: database commands and grain calls that nothing traced caused (membership polling, the outbox,
    /// the periodic jobs) would fill the collector with one-span traces.
    /// </summary>
    sealed class NoBackgroundRoots : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            new(parameters.Kind is System.Diagnostics.ActivityKind.Client or System.Diagnostics.ActivityKind.Internal
                ? SamplingDecision.Drop
                : SamplingDecision.RecordAndSample);
    }
}