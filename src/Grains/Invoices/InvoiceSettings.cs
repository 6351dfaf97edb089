using Npgsql;

namespace ItSchool.Invoices;

/// <summary>Which ways of paying invoices a school offers, and where money paid beyond what was owed goes.</summary>
public sealed record InvoiceSettings(bool BankTransferEnabled, bool OnlineEnabled, bool WalletEnabled, bool PartialWalletEnabled,
    ExcessHandling Overpayment)
{
    public static readonly InvoiceSettings Default = new(true, true, true, true, ExcessHandling.Wallet);

    public static async Task<InvoiceSettings> LoadAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
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
            : Default;
    }

    public async Task SaveAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
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
        command.Parameters.AddWithValue("bank", BankTransferEnabled);
        command.Parameters.AddWithValue("online", OnlineEnabled);
        command.Parameters.AddWithValue("wallet", WalletEnabled);
        command.Parameters.AddWithValue("partial", PartialWalletEnabled);
        command.Parameters.AddWithValue("overpayment", Overpayment == ExcessHandling.Flag ? "flag" : "wallet");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}