using ItSchool.Payments;
using ItSchool.Platform;

namespace ItSchool.Web.Payments;

/// <summary>
/// Every <see cref="Interval"/>, asks the provider about the online payments still pending after a quiet
/// quarter of an hour, as their lost webhook would have. One node of the cluster at a time (<see cref="JobLeases"/>):
/// each pass costs a call to the provider per payment. Two nodes asking at once would still be safe: a payment is
/// credited once (its purse grain and the payment row's status decide), whoever asks and however often.
/// </summary>
public sealed class PaymentReconciliationJob(OnlineTopUps topUps, JobLeases leases, TimeProvider clock, ILogger<PaymentReconciliationJob> logger)
    : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(2);

    protected override JobLeases ClusterLease => leases;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

    public Task<IReadOnlyDictionary<WebhookOutcome, int>> RunOnceAsync(CancellationToken cancellationToken = default) =>
        topUps.ReconcileAsync(QuietFor, GiveUpAfter, cancellationToken);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var (outcome, count) in await RunOnceAsync(cancellationToken))
        {
            Logger.LogInformation("Reconciled {Count} pending online payment(s) with the provider: {Outcome}", count, outcome);
        }
    }
}