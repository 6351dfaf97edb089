using System.Net;
using System.Net.Sockets;
using ItSchool.Platform.Orleans;
using ItSchool.Schools;
using ItSchool.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>What a scenario measures against: a bare silo (grain paths) or the real web node (HTTP paths).</summary>
static class BenchNodes
{
    /// <summary>A started silo on the bench's database, nothing else: for scenarios that call grains directly.</summary>
    public static async Task<IHost> StartSiloAsync(NpgsqlDataSource db, string connectionString)
    {
        var settings = new ClusterSettings { ClusterId = "bench", ServiceId = "bench", SiloPort = FreePort(), GatewayPort = FreePort() };
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.Services.AddSingleton(db);
                silo.UseItSchoolCluster(connectionString, settings).ListenOn(settings);
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A started web node (with its in-process silo) on a free port, as `dotnet run` would start it.</summary>
    public static async Task<WebApplication> StartWebAsync(string connectionString, params string[] settings)
    {
        var app = await ItSchoolApp.BuildAsync(
        [
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:ItSchool={connectionString}",
            $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            "--ItSchool:Demo=true",
            .. settings,
        ]);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Switches the demo school's wallets and point of sale on: a school's modules are off until switched on (the web node
    /// only does it right after seeding the demo itself), and without them every sale would be a 403, measured as a sale.
    /// </summary>
    public static async Task OpenTillsAsync(WebApplication app)
    {
        var school = app.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        await school.EnableModuleAsync(SchoolModule.Wallets);
        await school.EnableModuleAsync(SchoolModule.PointOfSale);
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}