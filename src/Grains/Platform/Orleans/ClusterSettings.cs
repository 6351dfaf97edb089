namespace ItSchool.Platform.Orleans;

/// <summary>The "Orleans" configuration section: how this process joins the ItSchool cluster.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>Silos and clients find each other in the membership table under this id.</summary>
    public string ClusterId { get; set; } = "itschool";

    /// <summary>Keys grain state and reminders; it must stay the same across deployments.</summary>
    public string ServiceId { get; set; } = "itschool";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients use to reach this silo. Empty: loopback for a single node,
    /// set it to the host name or IP in a cluster (docker-compose uses the service's host name).
    /// </summary>
    public string? AdvertisedHost { get; set; }
}