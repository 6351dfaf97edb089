using Npgsql;

namespace ItSchool.BankStatements;

/// <summary>The demo school's fixed manager API key (in the README), so the bank-statement API can be tried with curl.</summary>
public static class DemoBankStatements
{
    public static readonly Guid ApiKeyId = new("d3e0d3e0-0000-4000-8000-0000000000b1");

    public static async Task SeedAsync(NpgsqlConnection connection, Guid schoolId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO manager_api_keys (id, school_id, name, key_hash, key_hint, created_by, created_at)
            VALUES (@id, @school, 'Démo : import des relevés', sha256(convert_to(@key, 'UTF8')), right(@key, 4), 'claire.dupont', @now)
            """, connection);
        command.Parameters.AddWithValue("id", ApiKeyId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("key", ManagerApiKeys.DemoKey);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}