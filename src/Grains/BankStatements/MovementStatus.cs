namespace ItSchool.BankStatements;

/// <summary>Where a bank movement stands; stored as <c>bank_movements.status</c>, in the words of <see cref="Stored"/>.</summary>
public enum MovementStatus
{
    /// <summary>Matched to a wallet compartment, not yet credited.</summary>
    Wallet,
    /// <summary>Matched to an invoice, not yet paid.</summary>
    Invoice,
    ToResolve,
    Credited,
    InvoicePaid,
    /// <summary>Set aside by the manager, with a reason.</summary>
    NotForUs,
}

public static class MovementStatuses
{
    public static string Stored(this MovementStatus status) => status switch
    {
        MovementStatus.Wallet => "wallet",
        MovementStatus.Invoice => "invoice",
        MovementStatus.ToResolve => "to_resolve",
        MovementStatus.Credited => "credited",
        MovementStatus.InvoicePaid => "invoice_paid",
        MovementStatus.NotForUs => "not_for_us",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static MovementStatus Parse(string stored) => stored switch
    {
        "wallet" => MovementStatus.Wallet,
        "invoice" => MovementStatus.Invoice,
        "to_resolve" => MovementStatus.ToResolve,
        "credited" => MovementStatus.Credited,
        "invoice_paid" => MovementStatus.InvoicePaid,
        "not_for_us" => MovementStatus.NotForUs,
        _ => throw new ArgumentOutOfRangeException(nameof(stored), stored, "Not a bank movement status."),
    };
}