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

    /// <summary>Creates or replaces the school's wallet settings.</summary>
    public async Task SaveAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
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
        command.Parameters.AddWithValue("iban", (object?)Iban ?? DBNull.Value);
        command.Parameters.AddWithValue("bic", (object?)Bic ?? DBNull.Value);
        command.Parameters.AddWithValue("beneficiary", (object?)Beneficiary ?? DBNull.Value);
        command.Parameters.AddWithValue("min", OnlineMinCents);
        command.Parameters.AddWithValue("max", OnlineMaxCents);
        command.Parameters.AddWithValue("bank", BankTransferEnabled);
        command.Parameters.AddWithValue("online", OnlineEnabled);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One of the school's compartments as the manager configures it.</summary>
public sealed record CompartmentSettings(int Compartment, string Name, long FloorCents)
{
    public static async Task<IReadOnlyList<CompartmentSettings>> LoadAsync(NpgsqlDataSource db, Guid schoolId,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT compartment, name, floor_cents FROM wallet_compartments WHERE school_id = @school ORDER BY compartment");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var compartments = new List<CompartmentSettings>();
        while (await reader.ReadAsync(cancellationToken))
        {
            compartments.Add(new CompartmentSettings(reader.GetInt16(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return compartments;
    }

    /// <summary>
    /// Creates or renames a compartment and sets its floor. A compartment is never removed: pupils' money
    /// and ledger stay in it. Purses pick the change up within <see cref="PurseGrain.SettingsLifetime"/>.
    /// </summary>
    public async Task SaveAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@school, @compartment, @name, @floor)
            ON CONFLICT (school_id, compartment) DO UPDATE SET name = excluded.name, floor_cents = excluded.floor_cents
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("compartment", (short)Compartment);
        command.Parameters.AddWithValue("name", Name);
        command.Parameters.AddWithValue("floor", FloorCents);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}