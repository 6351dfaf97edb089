using System.Diagnostics;
using System.Diagnostics.Metrics;
using ItSchool.Platform.Telemetry;

namespace ItSchool.Web.Live;

/// <summary>
/// How long a change waits on this node between the cluster telling it and its fragments handed to SignalR: rendering
/// and coalescing included, so a slow page or a burst on one topic shows here before parents notice.
/// </summary>
public static class LiveMetrics
{
    static readonly Histogram<double> Latency = ItSchoolMeter.Meter.CreateHistogram<double>("itschool.live.push.duration", "ms",
        "From a change heard by this web node to its fragments sent to every watching group.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] });

    /// <param name="heard">When the change (or the oldest one it replaced) reached this node, from <see cref="Stopwatch.GetTimestamp"/>.</param>
    public static void Pushed(long heard)
    {
        if (Latency.Enabled)
        {
            Latency.Record(Stopwatch.GetElapsedTime(heard).TotalMilliseconds);
        }
    }
}