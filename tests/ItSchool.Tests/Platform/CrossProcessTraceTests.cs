using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ItSchool.Schools;
using ItSchool.Tests.PointOfSale;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ItSchool.Tests.Platform;

/// <summary>
/// A web node and a standalone silo as docker-compose runs them, the silo a process of its own exporting its traces by
/// OTLP (to a receiver here, which keeps what it is sent).
/// </summary>
public sealed class CrossProcessTraceTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    const string Chloe = "04A1B2C3D4E504";

    [Fact]
    public async Task A_sale_is_one_trace_from_the_web_node_s_request_to_the_purse_on_the_silo_process()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var clusterId = $"trace-{Guid.NewGuid():N}";
        var webSpans = new TelemetryNode.Kept<Activity>();
        var logs = new LogCapture();
        await using var web = new WebNode
        {
            Arguments = ["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9"],
            TestServices = builder =>
            {
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(webSpans));
                builder.Logging.AddProvider(logs);
            },
        };
        // The web node first, as an orchestrator may start it: with no silo yet, it waits for the cluster instead of failing.
        var starting = web.StartAsync(database.ConnectionString, "--ItSchool:HostSilo=false", $"--Orleans:ClusterId={clusterId}");
        await Eventually.TrueAsync(() => starting.IsFaulted || logs.Lines.Any(line => line.Message.StartsWith("No silo of the cluster answers yet")),
            TimeSpan.FromMinutes(1), "the web node did not say it waits for a silo");
        Assert.False(starting.IsCompleted, "The web node started without a cluster.");
        await using var silo = SiloProcess.Start(database.ConnectionString, [$"--Orleans:ClusterId={clusterId}"], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "trace-silo",
            // Spans leave in batches; a short delay keeps the test short.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await Eventually.TrueAsync(() =>
        {
            silo.AssertRunning();
            return starting.IsCompleted;
        }, TimeSpan.FromMinutes(2), "the web node never joined the silo");
        await starting;
        using var client = web.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            silo.AssertRunning();
            return (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromMinutes(2), "the web node never joined the silo");
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        await school.EnableModuleAsync(SchoolModule.Wallets);
        await school.EnableModuleAsync(SchoolModule.PointOfSale);

        var trace = ActivityTraceId.CreateRandom();
        using var terminal = PosRequests.Terminal(web);
        using var sale = PosRequests.Sale($"trace/{trace}", PosRequests.Body(Chloe, ("JUS", 1)));
        sale.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(sale)).StatusCode);

        // The web node's request and its call to the purse, then the silo's side of that call under the same trace id:
        // OTLP writes a trace id as its 16 bytes, and a span's name as text.
        await Eventually.TrueAsync(() => webSpans.Snapshot().Any(s => s.TraceId == trace && s.Source.Name == "Microsoft.AspNetCore"),
            because: "the web node traced the request");
        Assert.Contains(webSpans.Snapshot(), s => s.TraceId == trace && s.Kind == ActivityKind.Client && s.DisplayName.Contains("PurseGrain"));
        var id = new byte[16];
        trace.CopyTo(id);
        await Eventually.TrueAsync(() => receiver.Received.Any(body => Contains(body, Encoding.UTF8.GetBytes("trace-silo"))
            && Contains(body, id) && Contains(body, Encoding.UTF8.GetBytes("PurseGrain"))),
            TimeSpan.FromSeconds(30), "the silo process exported the purse's side of the sale under the sale's trace");
    }

    static bool Contains(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;

    /// <summary>An OTLP/HTTP collector that keeps every request body it is sent.</summary>
    sealed class OtlpReceiver : IAsyncDisposable
    {
        readonly WebApplication app;

        OtlpReceiver(WebApplication app) => this.app = app;

        public ConcurrentQueue<byte[]> Received { get; } = new();

        public string Address => app.Urls.First();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new OtlpReceiver(builder.Build());
            receiver.app.MapPost("/{**signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver.Received.Enqueue(body.ToArray());
                return Results.Ok();
            });
            await receiver.app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}