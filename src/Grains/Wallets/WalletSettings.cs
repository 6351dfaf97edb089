using Npgsql;

namespace ItSchool.Wallets;

/// <summary>A school's bank account and top-up rules, as parents' top-up dialogs need them.</summary>
public sealed record WalletSettings(
    string? Iban, string? Bic, string? Beneficiary, long OnlineMinCents, long OnlineMaxCents, bool BankTransferEnabled, bool OnlineEnabled)
{
    public static async Task<WalletSettings?> LoadAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT iban, bic, beneficiary, online_min_cents, online_max_cents, bank_transfer_enabled, online_enabled
            FROM wallet_settings WHERE school_id = @school
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new WalletSettings(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetBoolean(5), reader.GetBoolean(6))
            : null;
    }
}