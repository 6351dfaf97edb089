using ItSchool.Platform.Orleans;
using ItSchool.Platform.Telemetry;
using Orleans.Dashboard;

namespace ItSchool.Web.Platform;

public static class ClusterHosting
{
    /// <summary>
    /// The web node hosts a silo itself (single node, the default) or joins the cluster as a client
    /// when <c>ItSchool:HostSilo</c> is false (docker-compose: silos run in their own processes).
    /// </summary>
    public static void AddCluster(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(DatabaseSetup.ConnectionStringName)!;
        var settings = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var dashboard = Operations.HasOrleansDashboard(builder.Configuration);
        var traces = Telemetry.Traces(builder.Configuration);
        if (builder.Configuration.GetValue("ItSchool:HostSilo", true))
        {
            builder.UseOrleans(silo =>
            {
                silo.UseItSchoolCluster(connectionString, settings).ListenOn(settings);
                if (traces)
                {
                    silo.AddActivityPropagation();
                }
                if (dashboard)
                {
                    silo.AddDashboard();
                }
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.UseItSchoolCluster(connectionString, settings);
                if (traces)
                {
                    client.AddActivityPropagation();
                }
                if (dashboard)
                {
                    client.AddDashboard();
                }
            });
        }
    }
}