using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.BankStatements;

public enum MatchKind
{
    /// <summary>Already recorded from an earlier file (same bank reference): skipped.</summary>
    Duplicate,
    Wallet,
    Invoice,
    ToResolve,
}

/// <summary>Where a movement goes. <paramref name="Label"/> names the pupil and compartment, for the preview.</summary>
public sealed record MovementMatch(BankMovement Movement, MatchKind Kind, Guid? PupilId, int? Compartment, Guid? InvoiceId, string? Label);

/// <summary>
/// Decides each movement of a batch in a few queries: a credit whose structured communication is a wallet
/// compartment's (<c>1xxxxxxxxx</c>) goes to that compartment, an invoice's (<c>2xxxxxxxxx</c>) to that
/// invoice; everything else (free text, unknown communication, debit, zero) is left to the manager.
/// </summary>
public sealed class MovementMatching(NpgsqlDataSource db, IInvoiceMatcher invoices)
{
    public async Task<IReadOnlyList<MovementMatch>> MatchAsync(Guid schoolId, IReadOnlyList<BankMovement> batch,
        CancellationToken cancellationToken = default)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        var compartments = new Dictionary<long, (Guid Pupil, int Compartment, string Label)>();
        await using (var command = db.CreateCommand("""
            SELECT bank_reference, NULL::bigint, NULL::uuid, NULL::smallint, NULL FROM bank_movements
            WHERE school_id = @school AND bank_reference = ANY(@references);
            SELECT NULL, c.communication, c.pupil_id, c.compartment, p.first_name || ' ' || p.last_name || ' · ' || w.name
            FROM purse_compartments c JOIN pupils p ON p.id = c.pupil_id
            JOIN wallet_compartments w ON w.school_id = c.school_id AND w.compartment = c.compartment
            WHERE c.school_id = @school AND c.communication = ANY(@communications);
            """))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("references", batch.Select(m => m.Reference).ToArray());
            command.Parameters.AddWithValue("communications", batch.Where(IsWalletCredit).Select(m => m.Structured!.Value.Number).Distinct().ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetString(0));
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                compartments[reader.GetInt64(1)] = (reader.GetGuid(2), reader.GetInt16(3), reader.GetString(4));
            }
        }
        var invoiceCommunications = batch.Where(IsInvoiceCredit).Select(m => m.Structured!.Value).Distinct().ToList();
        var invoiceIds = invoiceCommunications.Count == 0
            ? new Dictionary<long, Guid>()
            : await invoices.FindAsync(schoolId, invoiceCommunications, cancellationToken);

        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        return batch.Select(movement =>
        {
            if (known.Contains(movement.Reference) || !inBatch.Add(movement.Reference))
            {
                return new MovementMatch(movement, MatchKind.Duplicate, null, null, null, null);
            }
            if (IsWalletCredit(movement) && compartments.TryGetValue(movement.Structured!.Value.Number, out var compartment))
            {
                return new MovementMatch(movement, MatchKind.Wallet, compartment.Pupil, compartment.Compartment, null, compartment.Label);
            }
            if (IsInvoiceCredit(movement) && invoiceIds.TryGetValue(movement.Structured!.Value.Number, out var invoice))
            {
                return new MovementMatch(movement, MatchKind.Invoice, null, null, invoice, null);
            }
            return new MovementMatch(movement, MatchKind.ToResolve, null, null, null, null);
        }).ToList();
    }

    static bool IsWalletCredit(BankMovement movement) =>
        movement is { AmountCents: > 0, Structured: { } s } && s.Number / 1_000_000_000 == 1;

    static bool IsInvoiceCredit(BankMovement movement) =>
        movement is { AmountCents: > 0, Structured: { } s } && s.Number / 1_000_000_000 == 2;
}