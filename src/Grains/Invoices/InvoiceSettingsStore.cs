using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>Each school's <see cref="InvoiceSettings"/>, and the online payment rules they make with the wallet settings.</summary>
public sealed class InvoiceSettingsStore(NpgsqlDataSource db, WalletSettingsStore walletSettings)
{
    public async Task<InvoiceSettings> LoadAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT bank_transfer_enabled, online_enabled, wallet_enabled, partial_wallet_enabled, overpayment
            FROM invoice_settings WHERE school_id = @school
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new InvoiceSettings(reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3),
                reader.GetString(4) == "flag" ? ExcessHandling.Flag : ExcessHandling.Wallet)
            : InvoiceSettings.Default;
    }

    public async Task SaveAsync(Guid schoolId, InvoiceSettings settings, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO invoice_settings (school_id, bank_transfer_enabled, online_enabled, wallet_enabled, partial_wallet_enabled, overpayment)
            VALUES (@school, @bank, @online, @wallet, @partial, @overpayment)
            ON CONFLICT (school_id) DO UPDATE SET
                bank_transfer_enabled = excluded.bank_transfer_enabled, online_enabled = excluded.online_enabled,
                wallet_enabled = excluded.wallet_enabled, partial_wallet_enabled = excluded.partial_wallet_enabled,
                overpayment = excluded.overpayment
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("bank", settings.BankTransferEnabled);
        command.Parameters.AddWithValue("online", settings.OnlineEnabled);
        command.Parameters.AddWithValue("wallet", settings.WalletEnabled);
        command.Parameters.AddWithValue("partial", settings.PartialWalletEnabled);
        command.Parameters.AddWithValue("overpayment", settings.Overpayment == ExcessHandling.Flag ? "flag" : "wallet");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the school's invoices may be paid online: its online payments on (its switch for top-ups as well as
    /// its invoices' own), a provider configured, and within the same bounds as an online top-up.
    /// </summary>
    public async Task<OnlineInvoiceRules> OnlineRulesAsync(Guid schoolId, bool providerConfigured, CancellationToken cancellationToken = default)
    {
        var invoices = await LoadAsync(schoolId, cancellationToken);
        var wallets = await walletSettings.LoadAsync(schoolId, cancellationToken);
        return new OnlineInvoiceRules(providerConfigured && invoices.OnlineEnabled && wallets is { OnlineEnabled: true },
            wallets?.OnlineMinCents ?? 0, wallets?.OnlineMaxCents ?? 0);
    }
}