using ItSchool.BankStatements;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>
/// Invoices' side of bank reconciliation: a credit whose structured communication is an invoice's pays that
/// invoice, keyed by the movement's bank reference so a re-imported statement pays nothing twice.
/// </summary>
public sealed class BankTransferMatcher(NpgsqlDataSource db, IGrainFactory grains) : IInvoiceMatcher
{
    public async Task<IReadOnlyDictionary<long, Guid>> FindAsync(Guid schoolId, IReadOnlyCollection<StructuredCommunication> communications,
        CancellationToken cancellationToken = default)
    {
        var numbers = communications.Select(c => c.Number).Where(n => n is >= 2_000_000_000 and <= 2_999_999_999).Distinct().ToArray();
        var found = new Dictionary<long, Guid>();
        if (numbers.Length == 0)
        {
            return found;
        }
        await using var command = db.CreateCommand(
            "SELECT communication, id FROM invoices WHERE school_id = @school AND communication = ANY(@numbers)");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("numbers", numbers);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetInt64(0)] = reader.GetGuid(1);
        }
        return found;
    }

    public async Task<bool> PayAsync(Guid invoiceId, InvoiceTransferPayment payment) =>
        (await grains.GetGrain<IInvoiceGrain>(invoiceId).PayByTransferAsync(
            new InvoiceTransfer(payment.BankReference, payment.AmountCents, payment.ValueDate, payment.PayerName))).Accepted;
}