using ItSchool.Absences;
using ItSchool.Platform;

namespace ItSchool.Web.Absences;

/// <summary>
/// Finishes the meal releases a report could not finish at once (a purse that did not answer, a node that stopped between
/// the report and its release). Safe on every node at once: the day's grain refunds each meal under the booking's own key.
/// </summary>
public sealed class AbsenceMealReleaseJob(AbsenceMealRelease release, TimeProvider clock, ILogger<AbsenceMealReleaseJob> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await release.ReleaseAsync(Clock.GetUtcNow(), cancellationToken) is > 0 and var refunded)
        {
            Logger.LogInformation("Refunded {Count} meals of reported absences", refunded);
        }
    }
}