using System.Net;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans;

namespace ItSchool.Tests.Platform;

/// <summary>The hot sale path is benchmarked: without an exporter, OpenTelemetry must not exist at all.</summary>
public sealed class TelemetryOffTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Without_an_exporter_no_provider_no_grain_call_propagation_and_no_metrics_endpoint_exist()
    {
        Assert.Null(web.Services.GetService<TracerProvider>());
        Assert.Null(web.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(web.Services.GetServices<IIncomingGrainCallFilter>(), filter => filter.GetType().Name.Contains("ActivityPropagation"));
        Assert.DoesNotContain(web.Services.GetServices<IOutgoingGrainCallFilter>(), filter => filter.GetType().Name.Contains("ActivityPropagation"));

        using var local = web.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await local.GetAsync("/metrics")).StatusCode);
    }
}