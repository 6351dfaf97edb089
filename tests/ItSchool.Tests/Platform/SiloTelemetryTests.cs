using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

/// <summary>The standalone silo, as docker-compose runs it, with Prometheus asked for.</summary>
public sealed class SiloTelemetryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_silo_serves_its_metrics_to_a_scraper_on_the_machine_and_to_nobody_relayed_by_a_proxy()
    {
        var port = FreePort();
        var output = new StringBuilder();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                SiloAssembly(), "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:ItSchool={database.ConnectionString}",
                $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}", $"--Orleans:ClusterId=metrics-{port}",
                "--ItSchool:Metrics:Prometheus=true", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var silo = Process.Start(start)!;
        silo.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        silo.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();
        try
        {
            using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(silo.HasExited, $"The silo stopped:\n{output}");
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
        finally
        {
            silo.Kill(entireProcessTree: true);
            await silo.WaitForExitAsync();
        }
    }

    /// <summary>The silo built beside this test assembly's configuration (Debug or Release), as the solution's build leaves it.</summary>
    internal static string SiloAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Silo", "bin", testDirectory.Parent!.Name, testDirectory.Name, "ItSchool.Silo.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("The silo is not built: run ./test.sh (it builds the solution)");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}