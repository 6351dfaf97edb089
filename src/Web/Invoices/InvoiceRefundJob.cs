using ItSchool.Invoices;

namespace ItSchool.Web.Invoices;

/// <summary>
/// Every <see cref="Interval"/>, asks the online provider again for the credit notes' refunds it could not take
/// when they were written (down, or unreachable). Every node may run it: <see cref="ProviderRefunds"/> takes each
/// refund under a row lock and the provider's idempotency key, so nothing is refunded twice.
/// </summary>
public sealed class InvoiceRefundJob(ProviderRefunds refunds, ILogger<InvoiceRefundJob> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    public Task<int> RunOnceAsync(CancellationToken cancellationToken = default) => refunds.RunPendingAsync(null, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await RunOnceAsync(stoppingToken) is > 0 and var taken)
                    {
                        logger.LogInformation("The payment provider took {Count} pending invoice refund(s)", taken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Pending invoice refunds failed; the next run retries");
                }
                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}