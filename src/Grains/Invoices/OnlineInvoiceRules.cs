using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

public enum OnlineInvoiceProblem
{
    NotOffered = 1,
    NothingOwed = 2,
    OutOfBounds = 3,
}

/// <summary>
/// Whether an invoice may be paid online: the school's online payments on (its switch for top-ups as well as
/// its invoices' own), a provider configured, and what remains within the same bounds as an online top-up.
/// </summary>
public sealed record OnlineInvoiceRules(bool Offered, long MinCents, long MaxCents)
{
    public static async Task<OnlineInvoiceRules> LoadAsync(NpgsqlDataSource db, Guid schoolId, bool providerConfigured,
        CancellationToken cancellationToken = default)
    {
        var invoices = await InvoiceSettings.LoadAsync(db, schoolId, cancellationToken);
        var wallets = await WalletSettings.LoadAsync(db, schoolId, cancellationToken);
        return new OnlineInvoiceRules(providerConfigured && invoices.OnlineEnabled && wallets is { OnlineEnabled: true },
            wallets?.OnlineMinCents ?? 0, wallets?.OnlineMaxCents ?? 0);
    }

    public OnlineInvoiceProblem? Problem(long remainingCents) => this switch
    {
        { Offered: false } => OnlineInvoiceProblem.NotOffered,
        _ when remainingCents <= 0 => OnlineInvoiceProblem.NothingOwed,
        _ when remainingCents < MinCents || remainingCents > MaxCents => OnlineInvoiceProblem.OutOfBounds,
        _ => null,
    };
}