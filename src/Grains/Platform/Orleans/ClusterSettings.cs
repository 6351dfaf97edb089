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

    /// <summary>
    /// How often a grain whose money move a crash interrupted is woken to finish it when nobody calls it.
    /// Orleans refuses reminders under a minute unless told otherwise; only the tests ask for less.
    /// </summary>
    public TimeSpan RecoveryRetry { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The period of the reminders that finish interrupted money moves (<see cref="ClusterSettings.RecoveryRetry"/>).</summary>
public sealed record RecoveryRetry(TimeSpan Period);