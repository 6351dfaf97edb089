using System.Diagnostics.Metrics;
using ItSchool.Platform.Telemetry;

namespace ItSchool.Wallets;

/// <summary>How many movements each ledger commit of a purse carries: above one, a rush is being grouped as designed.</summary>
public static class PurseMetrics
{
    static readonly Histogram<int> BatchSizes = ItSchoolMeter.Meter.CreateHistogram<int>("itschool.purse.batch_size", "{movement}",
        "Movements written to the ledger in one commit by a purse grain.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    public static void Committed(int movements) => BatchSizes.Record(movements);
}