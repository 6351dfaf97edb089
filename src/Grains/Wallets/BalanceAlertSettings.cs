using Npgsql;

namespace ItSchool.Wallets;

public enum AlertChoice
{
    /// <summary>The school's default threshold for the compartment (none if the school sets none).</summary>
    SchoolDefault,
    Own,
    None,
}

/// <summary>A guardian's alert for one compartment of a child, as their settings page shows it.</summary>
public sealed record GuardianAlert(int Compartment, string Name, AlertChoice Choice, long? OwnCents, int RepeatDays, long? DefaultCents)
{
    public long? ThresholdCents => Choice switch
    {
        AlertChoice.Own => OwnCents,
        AlertChoice.SchoolDefault => DefaultCents,
        _ => null,
    };
}

/// <summary>
/// Who wants a low-balance alert, and below what: each guardian per child and compartment, and the school's default for
/// guardians who chose nothing. A change is told to the purse (<see cref="IPurseGrain.RulesChangedAsync"/>), which
/// decides the alerts; a school default reaches each purse within <see cref="PurseGrain.SettingsLifetime"/>.
/// </summary>
public sealed class BalanceAlertSettings(NpgsqlDataSource db)
{
    public const int MaxRepeatDays = 30;
    public const long MaxThresholdCents = 100_000_000;

    public async Task<IReadOnlyList<GuardianAlert>> ForGuardianAsync(Guid schoolId, Guid pupilId, Guid guardianId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT w.compartment, w.name, t.pupil_id IS NOT NULL, t.follows_default, t.threshold_cents, t.repeat_days, d.threshold_cents
            FROM wallet_compartments w
            LEFT JOIN balance_alert_settings t ON t.pupil_id = @pupil AND t.compartment = w.compartment AND t.guardian_id = @guardian
            LEFT JOIN balance_alert_defaults d ON d.school_id = w.school_id AND d.compartment = w.compartment
            WHERE w.school_id = @school
            ORDER BY w.compartment
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("guardian", guardianId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var alerts = new List<GuardianAlert>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var chose = reader.GetBoolean(2);
            var choice = !chose || reader.GetBoolean(3) ? AlertChoice.SchoolDefault : reader.IsDBNull(4) ? AlertChoice.None : AlertChoice.Own;
            alerts.Add(new GuardianAlert(reader.GetInt16(0), reader.GetString(1), choice, reader.IsDBNull(4) ? null : reader.GetInt64(4),
                chose ? reader.GetInt32(5) : AlertWatcher.DefaultRepeatDays, reader.IsDBNull(6) ? null : reader.GetInt64(6)));
        }
        return alerts;
    }

    public async Task SaveAsync(Guid pupilId, Guid guardianId, int compartment, AlertChoice choice, long? ownCents, int repeatDays,
        CancellationToken cancellationToken = default)
    {
        if (repeatDays is < 1 or > MaxRepeatDays || (choice == AlertChoice.Own) != ownCents is not null || ownCents is < 0 or > MaxThresholdCents)
        {
            throw new ArgumentException("An own threshold between 0 and 1,000,000 € for an own choice only, and 1 to 30 days between alerts");
        }
        await using var command = db.CreateCommand("""
            INSERT INTO balance_alert_settings (pupil_id, compartment, guardian_id, follows_default, threshold_cents, repeat_days)
            VALUES (@pupil, @compartment, @guardian, @default, @cents, @days)
            ON CONFLICT (pupil_id, compartment, guardian_id) DO UPDATE
                SET follows_default = excluded.follows_default, threshold_cents = excluded.threshold_cents, repeat_days = excluded.repeat_days
            """);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("compartment", (short)compartment);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("default", choice == AlertChoice.SchoolDefault);
        command.Parameters.AddWithValue("cents", (object?)ownCents ?? DBNull.Value);
        command.Parameters.AddWithValue("days", repeatDays);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<int, long>> DefaultsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT compartment, threshold_cents FROM balance_alert_defaults WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var defaults = new Dictionary<int, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            defaults[reader.GetInt16(0)] = reader.GetInt64(1);
        }
        return defaults;
    }

    /// <summary>Sets (or, for null, removes) the school's default threshold of each compartment given.</summary>
    public async Task SaveDefaultsAsync(Guid schoolId, IReadOnlyDictionary<int, long?> defaults, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        foreach (var (compartment, cents) in defaults)
        {
            var command = new NpgsqlBatchCommand(cents is null
                ? "DELETE FROM balance_alert_defaults WHERE school_id = @school AND compartment = @compartment"
                : """
                  INSERT INTO balance_alert_defaults (school_id, compartment, threshold_cents) VALUES (@school, @compartment, @cents)
                  ON CONFLICT (school_id, compartment) DO UPDATE SET threshold_cents = excluded.threshold_cents
                  """);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("compartment", (short)compartment);
            command.Parameters.AddWithValue("cents", (object?)cents ?? DBNull.Value);
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}