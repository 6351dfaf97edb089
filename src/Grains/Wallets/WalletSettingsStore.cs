using Npgsql;

namespace ItSchool.Wallets;

/// <summary>The school's <see cref="WalletSettings"/>: one row per school, absent until the manager or the platform writes it.</summary>
public sealed class WalletSettingsStore(NpgsqlDataSource db)
{
    public async Task<WalletSettings?> LoadAsync(Guid schoolId, CancellationToken cancellationToken = default)
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

    /// <summary>Creates or replaces the school's wallet settings.</summary>
    public async Task SaveAsync(Guid schoolId, WalletSettings settings, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO wallet_settings (school_id, iban, bic, beneficiary, online_min_cents, online_max_cents,
                                         bank_transfer_enabled, online_enabled)
            VALUES (@school, @iban, @bic, @beneficiary, @min, @max, @bank, @online)
            ON CONFLICT (school_id) DO UPDATE SET
                iban = excluded.iban, bic = excluded.bic, beneficiary = excluded.beneficiary,
                online_min_cents = excluded.online_min_cents, online_max_cents = excluded.online_max_cents,
                bank_transfer_enabled = excluded.bank_transfer_enabled, online_enabled = excluded.online_enabled
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("iban", (object?)settings.Iban ?? DBNull.Value);
        command.Parameters.AddWithValue("bic", (object?)settings.Bic ?? DBNull.Value);
        command.Parameters.AddWithValue("beneficiary", (object?)settings.Beneficiary ?? DBNull.Value);
        command.Parameters.AddWithValue("min", settings.OnlineMinCents);
        command.Parameters.AddWithValue("max", settings.OnlineMaxCents);
        command.Parameters.AddWithValue("bank", settings.BankTransferEnabled);
        command.Parameters.AddWithValue("online", settings.OnlineEnabled);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}