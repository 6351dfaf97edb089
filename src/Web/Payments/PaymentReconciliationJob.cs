using ItSchool.Payments;

namespace ItSchool.Web.Payments;

/// <summary>
/// Every <see cref="Interval"/>, asks the provider about the online payments still pending after a quiet
/// quarter of an hour, as their lost webhook would have. Every node may run it: a payment is credited once
/// whoever asks, and however often.
/// </summary>
public sealed class PaymentReconciliationJob(OnlineTopUps topUps, ILogger<PaymentReconciliationJob> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    public Task<IReadOnlyDictionary<WebhookOutcome, int>> RunOnceAsync(CancellationToken cancellationToken = default) =>
        topUps.ReconcileAsync(QuietFor, GiveUpAfter, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var (outcome, count) in await RunOnceAsync(stoppingToken))
                    {
                        logger.LogInformation("Reconciled {Count} pending online payment(s) with the provider: {Outcome}", count, outcome);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reconciling pending online payments failed; the next run retries");
                }
                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}