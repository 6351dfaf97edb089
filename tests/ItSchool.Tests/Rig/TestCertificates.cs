using ItSchool.Web.Platform;

namespace ItSchool.Tests.Rig;

/// <summary>Data-protection certificates for test nodes: one shared by every node of the run (as a cluster's), or a new one.</summary>
public static class TestCertificates
{
    static readonly Lazy<string> shared = new(Create);

    public static string Shared => shared.Value;

    /// <summary>A new certificate file, made the way the single-machine default makes its own.</summary>
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "itschool-tests", Guid.NewGuid().ToString("N"), SharedKeys.KeyFileName);
        SharedKeys.LoadOrCreateKeyFile(path).Dispose();
        return path;
    }
}