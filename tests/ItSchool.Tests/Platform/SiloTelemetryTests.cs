using System.Net;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

/// <summary>The standalone silo, as docker-compose runs it, with Prometheus asked for.</summary>
public sealed class SiloTelemetryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_silo_serves_its_metrics_to_a_scraper_on_the_machine_and_to_nobody_relayed_by_a_proxy()
    {
        await using var silo = SiloProcess.Start(database.ConnectionString, ["--ItSchool:Metrics:Prometheus=true", $"--Orleans:ClusterId=metrics-{Guid.NewGuid():N}"]);
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        await Eventually.TrueAsync(async () =>
        {
            silo.AssertRunning();
            try
            {
                return (await local.GetAsync("/health/live")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), "the silo never answered");

        var metrics = await local.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync());
        using var relayed = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        Assert.Equal(HttpStatusCode.NotFound, (await local.SendAsync(relayed)).StatusCode);
    }
}