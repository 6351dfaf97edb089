namespace ItSchool.Invoices;

public enum OnlineInvoiceProblem
{
    NotOffered = 1,
    NothingOwed = 2,
    OutOfBounds = 3,
}

/// <summary>Whether an invoice may be paid online, and for what remains within which bounds (see <see cref="InvoiceSettingsStore.OnlineRulesAsync"/>).</summary>
public sealed record OnlineInvoiceRules(bool Offered, long MinCents, long MaxCents)
{
    public OnlineInvoiceProblem? Problem(long remainingCents) => this switch
    {
        { Offered: false } => OnlineInvoiceProblem.NotOffered,
        _ when remainingCents <= 0 => OnlineInvoiceProblem.NothingOwed,
        _ when remainingCents < MinCents || remainingCents > MaxCents => OnlineInvoiceProblem.OutOfBounds,
        _ => null,
    };
}