using System.Diagnostics;
using System.Diagnostics.Metrics;
using ItSchool.Platform.Telemetry;

namespace ItSchool.BankStatements;

/// <summary>How long a bank statement takes from the file to the last credit, for the import that keeps a manager waiting.</summary>
public static class ImportMetrics
{
    static readonly Histogram<double> Durations = ItSchoolMeter.Meter.CreateHistogram<double>("itschool.bank.import.duration", "s",
        "Time to check, record and settle one bank statement file.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

    /// <summary>A timestamp to pass to <see cref="Finished"/>.</summary>
    public static long Started() => Stopwatch.GetTimestamp();

    public static void Finished(long started, ImportReport report) =>
        Durations.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("status", report.Status.ToString()));
}