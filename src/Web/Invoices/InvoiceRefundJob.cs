using ItSchool.Invoices;
using ItSchool.Platform;

namespace ItSchool.Web.Invoices;

/// <summary>
/// Every <see cref="Interval"/>, asks the online provider again for the credit notes' refunds it could not take
/// when they were written (down, or unreachable). Every node runs it, and that is safe by the row:
/// <see cref="ProviderRefunds"/> takes each refund under a row lock and the provider's idempotency key, so
/// nothing is refunded twice.
/// </summary>
public sealed class InvoiceRefundJob(ProviderRefunds refunds, TimeProvider clock, ILogger<InvoiceRefundJob> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan FirstRunAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    public Task<int> RunOnceAsync(CancellationToken cancellationToken = default) => refunds.RunPendingAsync(null, cancellationToken);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await RunOnceAsync(cancellationToken) is > 0 and var taken)
        {
            Logger.LogInformation("The payment provider took {Count} pending invoice refund(s)", taken);
        }
    }
}