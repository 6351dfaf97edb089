using ItSchool.Schools;
using Npgsql;

namespace ItSchool.BankStatements;

/// <summary>The demo school's fixed manager API key (in the README), so the bank-statement API can be tried with curl.</summary>
public static class DemoBankStatements
{
    public static readonly Guid ApiKeyId = new("d3e0d3e0-0000-4000-8000-0000000000b1");

    /// <summary>Adds the key to the demo school, once: a second call leaves the first key as it was.</summary>
    public static async Task SeedAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO manager_api_keys (id, school_id, name, key_hash, key_hint, created_by, created_at)
            SELECT @id, s.id, 'Démo : import des relevés', sha256(convert_to(@key, 'UTF8')), right(@key, 4), 'claire.dupont', @now
            FROM schools s WHERE s.id = @school
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", ApiKeyId);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("key", ManagerApiKeys.DemoKey);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}