using System.Net;
using ItSchool.Invoices;
using ItSchool.Meals;
using ItSchool.Meetings;
using ItSchool.Orders;
using ItSchool.Platform.Database;
using ItSchool.Platform.Logging;
using ItSchool.Pupils;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;

namespace ItSchool.Platform.Orleans;

/// <summary>
/// The one place that wires Orleans to PostgreSQL: membership, grain state and reminders all use the
/// project's own schema (see Platform/Database/Migrations) through the ADO.NET providers.
/// Production silos, the web node's in-process silo and the test cluster all call it; the test
/// cluster chooses its own ports, so listening is configured apart (<see cref="ListenOn"/>).
/// </summary>
public static class ClusterSetup
{
    const string Invariant = "Npgsql";

    public static ISiloBuilder UseItSchoolCluster(this ISiloBuilder silo, string connectionString, ClusterSettings settings)
    {
        // What grains need from the host; a web node hosting the silo has registered its own already.
        silo.Services.TryAddSingleton(services => DataSources.Create(connectionString, services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<Ledger>();
        silo.Services.TryAddSingleton<PupilRegistry>();
        silo.Services.TryAddSingleton<InvoiceStore>();
        silo.Services.TryAddSingleton<WalletSettingsStore>();
        silo.Services.TryAddSingleton<TimetableStore>();
        silo.Services.TryAddSingleton<MeetingEvenings>();
        silo.Services.TryAddSingleton<Households>();
        silo.Services.TryAddSingleton<InvoiceSettingsStore>();
        silo.Services.TryAddSingleton<MealBookings>();
        silo.Services.TryAddSingleton<MealMenus>();
        silo.Services.TryAddSingleton<OrderStore>();
        silo.Services.TryAddSingleton(new RecoveryRetry(settings.RecoveryRetry));
        silo.AddIncomingGrainCallFilter<RequestLog.Filter>();
        silo.AddIncomingGrainCallFilter<DatabaseFailures>();
        silo.Services.Configure<ExceptionSerializationOptions>(CrossWithoutFields);

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(GrainStorage.Name, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        if (settings.RecoveryRetry < TimeSpan.FromMinutes(1))
        {
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = settings.RecoveryRetry);
        }
        return silo;
    }

    /// <summary>Where this silo listens and what address it publishes in the membership table.</summary>
    public static ISiloBuilder ListenOn(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = settings.SiloPort;
            options.GatewayPort = settings.GatewayPort;
            options.AdvertisedIPAddress = ResolveAdvertisedAddress(settings.AdvertisedHost);
            options.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.SiloPort);
            options.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.GatewayPort);
        });
        return silo;
    }

    public static IClientBuilder UseItSchoolCluster(this IClientBuilder client, string connectionString, ClusterSettings settings)
    {
        client.Services.Configure<ExceptionSerializationOptions>(CrossWithoutFields);
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        client.UseConnectionRetryFilter<ClusterConnectionRetry>();
        return client;
    }

    /// <summary>
    /// Npgsql's exceptions cross with their message, inner exception and stack only, rather than failing the answer (a
    /// failed activation, which <see cref="DatabaseFailures"/> cannot see).
    /// </summary>
    static void CrossWithoutFields(ExceptionSerializationOptions options) => options.SupportedNamespacePrefixes.Add("Npgsql");

    static IPAddress ResolveAdvertisedAddress(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return IPAddress.Loopback;
        }
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }
        return Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }
}