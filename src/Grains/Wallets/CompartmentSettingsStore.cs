using Npgsql;

namespace ItSchool.Wallets;

/// <summary>The school's compartments (<see cref="CompartmentSettings"/>), by number.</summary>
public sealed class CompartmentSettingsStore(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<CompartmentSettings>> LoadAsync(Guid schoolId, CancellationToken cancellationToken = default)
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
    /// Creates or renames compartments and sets their floors, in one transaction. A compartment is never removed:
    /// pupils' money and ledger stay in it. Purses pick the change up within <see cref="PurseGrain.SettingsLifetime"/>.
    /// </summary>
    public async Task SaveAsync(Guid schoolId, IReadOnlyList<CompartmentSettings> compartments, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        foreach (var compartment in compartments)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@school, @compartment, @name, @floor)
                ON CONFLICT (school_id, compartment) DO UPDATE SET name = excluded.name, floor_cents = excluded.floor_cents
                """);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("compartment", (short)compartment.Compartment);
            command.Parameters.AddWithValue("name", compartment.Name);
            command.Parameters.AddWithValue("floor", compartment.FloorCents);
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}