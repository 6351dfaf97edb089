namespace ItSchool.Invoices;

/// <summary>
/// One payment request (keyed by the invoice's id): its lines and total, what was paid and credited on it,
/// its own structured communication. Every payment and credit note goes through it, one at a time, so what
/// is owed can never be paid twice or credited below zero.
/// </summary>
public interface IInvoiceGrain : IGrainWithGuidKey
{
    /// <summary>Issues the invoice under this grain's id; issuing the same id again answers the invoice as it is.</summary>
    Task<IssueResult> IssueAsync(NewInvoice invoice);

    /// <summary>The invoice with its state today, or null if no invoice has this id.</summary>
    // A page waits on this read: 10 s, not the cluster's 30, when the silo that held the grain has died.
    [ResponseTimeout("00:00:10")]
    Task<InvoiceView?> GetAsync();

    /// <summary>A bank transfer received for this invoice (from a bank statement); the bank reference is the idempotency key.</summary>
    Task<PaymentOutcome> PayByTransferAsync(InvoiceTransfer transfer);

    /// <summary>A payment confirmed by the online payment provider; the provider's payment id is the idempotency key.</summary>
    Task<PaymentOutcome> PayOnlineAsync(OnlineInvoicePayment payment);

    /// <summary>
    /// Debits the pupil's purse and pays the invoice, tied by the attempt's key: asking again with the same key
    /// answers the same and moves money once; an attempt interrupted between the two is finished by the grain.
    /// </summary>
    Task<PaymentOutcome> PayFromWalletAsync(WalletPayment payment);

    /// <summary>
    /// A credit note for part or all of the invoice; beyond what is still owed it refunds money already paid,
    /// where the note says. An invoice is never deleted.
    /// </summary>
    Task<PaymentOutcome> CreditAsync(CreditNote note);

    /// <summary>Cash or another payment the school took itself, recorded by a manager; never more than what remains.</summary>
    Task<PaymentOutcome> RecordManualPaymentAsync(ManualPayment payment);

    /// <summary>Settles part or all of the flagged excess, never more than is flagged.</summary>
    Task<PaymentOutcome> SettleExcessAsync(ExcessSettlement settlement);
}