using Npgsql;

namespace ItSchool.Wallets;

/// <summary>A school's bank account and top-up rules, as parents' top-up dialogs need them.</summary>
public sealed record WalletSettings(
    string? Iban, string? Bic, string? Beneficiary, long OnlineMinCents, long OnlineMaxCents, bool BankTransferEnabled, bool OnlineEnabled)
{
    /// <summary>Kept for the Invoices feature until it takes <see cref="WalletSettingsStore"/> from DI; nothing else calls it.</summary>
    public static Task<WalletSettings?> LoadAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default) =>
        new WalletSettingsStore(db).LoadAsync(schoolId, cancellationToken);
}

/// <summary>One of the school's compartments as the manager configures it.</summary>
public sealed record CompartmentSettings(int Compartment, string Name, long FloorCents);