using ItSchool.Wallets;

namespace ItSchool.BankStatements;

/// <summary>
/// The one seam between bank statements and invoices: which invoice a structured communication
/// (<c>2xxxxxxxxx</c>) belongs to, and paying it by transfer, with the movement's bank reference as the
/// idempotency key. Implemented by the invoices feature (<c>Invoices/BankTransferMatcher</c>).
/// </summary>
public interface IInvoiceMatcher
{
    /// <summary>The school's invoices among these communications, by communication.</summary>
    Task<IReadOnlyDictionary<long, Guid>> FindAsync(Guid schoolId, IReadOnlyCollection<StructuredCommunication> communications,
        CancellationToken cancellationToken = default);

    /// <summary>Pays the invoice; the same bank reference again pays nothing more. False when the invoice refuses it.</summary>
    Task<bool> PayAsync(Guid invoiceId, InvoiceTransferPayment payment);
}

public sealed record InvoiceTransferPayment(string BankReference, long AmountCents, DateOnly ValueDate, string? PayerName);