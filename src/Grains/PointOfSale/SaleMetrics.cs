using System.Diagnostics.Metrics;
using ItSchool.Platform.Telemetry;

namespace ItSchool.PointOfSale;

/// <summary>Sales per second by outcome, and the refusals by their API code (what a canteen's queue hears most).</summary>
public static class SaleMetrics
{
    static readonly Counter<long> Sales = ItSchoolMeter.Meter.CreateCounter<long>("itschool.pos.sales", "{sale}",
        "Sales answered to a terminal or the till, by outcome (accepted, declined: the purse refused, refused: the request).");

    static readonly Counter<long> Declines = ItSchoolMeter.Meter.CreateCounter<long>("itschool.pos.declines", "{sale}",
        "Sales not accepted, by the code the terminal receives.");

    /// <summary>The purse's refusals, which a school watches; the others are a terminal's or a key's mistakes.</summary>
    static readonly HashSet<string> PurseCodes = ["insufficient_funds", "limit_exceeded", "article_not_allowed", "declined"];

    public static void Answered(PosProblem? problem)
    {
        if (!Sales.Enabled)
        {
            return;
        }
        if (problem is null)
        {
            Sales.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
            return;
        }
        Sales.Add(1, new KeyValuePair<string, object?>("outcome", PurseCodes.Contains(problem.Code) ? "declined" : "refused"));
        Declines.Add(1, new KeyValuePair<string, object?>("code", problem.Code));
    }
}