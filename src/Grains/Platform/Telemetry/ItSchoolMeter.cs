using System.Diagnostics.Metrics;

namespace ItSchool.Platform.Telemetry;

/// <summary>
/// The one meter of ItSchool's own measurements; each feature declares its instruments beside its code
/// (<c>PointOfSale/SaleMetrics.cs</c>, …). Static on purpose: an instrument nobody listens to costs a branch,
/// so the hot paths call them whether or not telemetry is on.
/// </summary>
public static class ItSchoolMeter
{
    public const string Name = "ItSchool";

    public static readonly Meter Meter = new(Name);
}