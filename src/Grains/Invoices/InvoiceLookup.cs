using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>Routes a bank credit's structured communication to the invoice it pays.</summary>
public sealed class InvoiceLookup(NpgsqlDataSource db)
{
    /// <summary>
    /// The school's invoice with this communication (twelve digits, or any layout banks print), or null when
    /// it is not a valid communication, not an invoice's (those begin with 2), or not this school's.
    /// </summary>
    public async Task<Guid?> FindByCommunicationAsync(Guid schoolId, string communication12Digits,
        CancellationToken ct)
    {
        if (!StructuredCommunication.TryParse(communication12Digits, out var communication)
            || communication.Number is < 2_000_000_000 or > 2_999_999_999)
        {
            return null;
        }
        await using var command = db.CreateCommand("SELECT id FROM invoices WHERE school_id = @school AND communication = @communication");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("communication", communication.Number);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }
}