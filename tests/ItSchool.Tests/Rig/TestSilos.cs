using ItSchool.Platform.Orleans;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ItSchool.Tests.Rig;

/// <summary>
/// An in-process Orleans cluster wired to a test database with the production providers: membership,
/// grain state and reminders all go through PostgreSQL, exactly as in <c>ClusterSetup</c>.
/// </summary>
public static class TestSilos
{
    const string ConnectionStringKey = "ConnectionStrings:ItSchool";

    public static async Task<TestCluster> StartAsync(string connectionString, short silos = 1, string clusterId = "itschool-test")
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        // Real sockets, as in production, so that a web node started beside the cluster can join it too.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ClusterId = clusterId;
        // Grain state is keyed by service id: a cluster started again on the same database finds its state.
        builder.Options.ServiceId = "itschool";
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[$"{ClusterSettings.Section}:{nameof(ClusterSettings.ClusterId)}"] = clusterId;
        builder.Properties[$"{ClusterSettings.Section}:{nameof(ClusterSettings.ServiceId)}"] = builder.Options.ServiceId;
        // A crash's unfinished money move is retried within seconds rather than the production minute.
        builder.Properties[$"{ClusterSettings.Section}:{nameof(ClusterSettings.RecoveryRetry)}"] = "00:00:02";
        builder.AddSiloBuilderConfigurator<SiloOnPostgres>();
        builder.AddClientBuilderConfigurator<ClientOnPostgres>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    static ClusterSettings SettingsFrom(IConfiguration configuration) =>
        configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>()!;

    sealed class SiloOnPostgres : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.UseItSchoolCluster(siloBuilder.Configuration[ConnectionStringKey]!, SettingsFrom(siloBuilder.Configuration));
    }

    sealed class ClientOnPostgres : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseItSchoolCluster(configuration[ConnectionStringKey]!, SettingsFrom(configuration));
    }
}