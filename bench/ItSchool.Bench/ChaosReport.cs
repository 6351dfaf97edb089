using System.Globalization;
using System.Text;

namespace ItSchool.Bench;

/// <summary>
/// The chaos run as docs/resilience.md records it: the time line, what users saw in each phase, what was lost. Figures
/// are written in the invariant culture the bench sets for the whole process.
/// </summary>
static class ChaosReport
{
    public sealed record Event(string What, double At, double Done, bool Fault);

    public static string Write(ChaosLoad load, IReadOnlyList<Event> events, double seconds, double drained, int families,
        int watchers, int behind, IReadOnlyCollection<double> reconnections, ChaosChecks.Result check)
    {
        var attempts = load.Attempts.ToArray();
        var report = new StringBuilder();
        report.AppendLine(($"{(check.Upgrade is null ? "chaos" : "chaos --upgrade")}: 2 silos and 2 web nodes as separate processes on loopback, one PostgreSQL; 16 tills, 4 parents moving meetings (200 families, 4 teachers), 8 parents " +
            $"booking meals for {families} families, {watchers} dashboards watching a wallet on web X; {seconds:F0} s of load, drained at " +
            $"{drained:F1} s; {Environment.ProcessorCount} cores"));
        report.AppendLine();
        report.AppendLine("| at (s) | event | took (s) |");
        report.AppendLine("|---:|---|---:|");
        foreach (var e in events.OrderBy(e => e.At))
        {
            report.AppendLine(($"| {e.At:F1} | {e.What} | {e.Done - e.At:F1} |"));
        }

        // Acknowledged sales per second of the time line, the steady rate being the median before the first fault.
        var perSecond = new int[(int)Math.Ceiling(drained) + 1];
        foreach (var a in attempts.Where(a => a is { Kind: "sale", Outcome: ChaosLoad.Outcome.Acknowledged }))
        {
            perSecond[(int)a.End]++;
        }
        var firstFault = events.Where(e => e.Fault).Min(e => e.At);
        var steady = Median(perSecond.Skip(3).Take(Math.Max(1, (int)firstFault - 3)));
        report.AppendLine();
        report.AppendLine(($"Steady rate before the first fault: {steady:F0} sales/s (median of each second's acknowledged sales)."));
        report.AppendLine();
        report.AppendLine("| fault | back to half the steady rate after (s) | longest time with no sale acknowledged (s) |");
        report.AppendLine("|---|---:|---:|");
        var marks = events.OrderBy(e => e.At).ToArray();
        foreach (var (fault, index) in marks.Select((e, i) => (e, i)).Where(x => x.e.Fault))
        {
            var until = index + 1 < marks.Length ? marks[index + 1].At : drained;
            var back = Recovery(perSecond, fault.At, steady);
            report.AppendLine(($"| {fault.What} | {(back is { } b ? b.ToString("F0", CultureInfo.InvariantCulture) : "never")} | {LongestPause(attempts, fault.At, until):F1} |"));
        }

        report.AppendLine();
        report.AppendLine("| phase (s) | sales acknowledged | meal answers | meeting answers | 5xx or 429 answers, failed grain calls | no answer (connection) | acknowledged sale try p99 (ms) |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var bounds = marks.Select(e => e.At).Prepend(0).Append(drained).ToArray();
        for (var i = 0; i + 1 < bounds.Length; i++)
        {
            var (from, to) = (bounds[i], bounds[i + 1]);
            var phase = attempts.Where(a => a.End >= from && a.End < to).ToArray();
            report.AppendLine(($"| {from:F0}–{to:F0} | {phase.Count(a => a is { Kind: "sale", Outcome: ChaosLoad.Outcome.Acknowledged })} | " +
                $"{phase.Count(a => a is { Kind: "meal", Outcome: ChaosLoad.Outcome.Acknowledged or ChaosLoad.Outcome.Refused })} | " +
                $"{phase.Count(a => a is { Kind: "meeting", Outcome: ChaosLoad.Outcome.Acknowledged })} | " +
                $"{phase.Count(a => a.Outcome == ChaosLoad.Outcome.ServerError)} | {phase.Count(a => a.Outcome == ChaosLoad.Outcome.Unreachable)} | " +
                $"{MealsScenario.Percentile([.. phase.Where(a => a is { Kind: "sale", Outcome: ChaosLoad.Outcome.Acknowledged }).Select(a => (a.End - a.Start) * 1000).Order()], 0.99):F0} |"));
        }
        var saleWaits = load.Waits.Where(w => w.Kind == "sale").Select(w => w.Seconds).Order().ToArray();
        var meetingWaits = load.Waits.Where(w => w.Kind == "meeting").Select(w => w.Seconds).Order().ToArray();
        report.AppendLine();
        report.AppendLine(($"Answered sales, from first try to answer: p50 {MealsScenario.Percentile(saleWaits, 0.5) * 1000:F0} ms, " +
            $"p99 {MealsScenario.Percentile(saleWaits, 0.99) * 1000:F0} ms, longest {saleWaits.LastOrDefault():F1} s; meeting changes p99 {MealsScenario.Percentile(meetingWaits, 0.99) * 1000:F0} ms, " +
            $"longest {meetingWaits.LastOrDefault():F1} s; never answered within two minutes: {load.Unanswered.Count}."));
        var reconnected = reconnections.Order().ToArray();
        report.AppendLine(($"Dashboards: {reconnected.Length} reconnections after a web node went down, from close to watching again p50 " +
            $"{MealsScenario.Percentile(reconnected, 0.5):F1} s, longest {reconnected.LastOrDefault():F1} s; behind their wallet's last version at the end: {behind} of {watchers}."));
        report.AppendLine();
        report.AppendLine(($"Checks: {check.AcknowledgedSales} acknowledged sales, {check.AcknowledgedNotOnce} not exactly once in the ledger; " +
            $"{check.SalesTwice} sales in the ledger twice; {check.Unbalanced} compartments whose balance differs from their ledger; " +
            $"{check.HotSold} of {MealsScenario.Portions} limited portions sold; {check.Booked} meals booked, bookings and ledger entries " +
            $"{(check.MealsMatchLedger ? "match" : "DIFFER")}; {check.MealsTwice} pupils with a day booked twice; {check.SlotsTwice} meeting slots " +
            $"held twice, grids {(check.GridsMatchRows ? "equal" : "DIFFER FROM")} their rows; {behind} dashboards behind" +
            (check.Upgrade is null ? "." : $"; {check.Upgrade}.")));
        report.AppendLine(check.Held && behind == 0 && load.Unanswered.IsEmpty
            ? "Nothing lost, nothing doubled, nothing oversold, every request answered."
            : "FAILED: see the checks above.");
        return report.ToString();
    }

    /// <summary>Seconds from the fault to the first of three seconds in a row at half the steady rate or more.</summary>
    static double? Recovery(int[] perSecond, double at, double steady)
    {
        for (var second = (int)at + 1; second + 2 < perSecond.Length; second++)
        {
            if (perSecond.Skip(second).Take(3).All(n => n >= steady / 2))
            {
                return second - at;
            }
        }
        return null;
    }

    static double LongestPause(ChaosLoad.Attempt[] attempts, double from, double to)
    {
        var ends = attempts.Where(a => a is { Kind: "sale", Outcome: ChaosLoad.Outcome.Acknowledged } && a.End >= from && a.End <= to)
            .Select(a => a.End).Order().Prepend(from).Append(to).ToArray();
        return ends.Zip(ends.Skip(1), (a, b) => b - a).Max();
    }

    static double Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}