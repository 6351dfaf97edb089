using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ItSchool.BankStatements;

/// <summary>A school manager's key for the admin API (a bank-statement download job, for instance).</summary>
public sealed record ManagerApiKey(Guid Id, Guid SchoolId, string Name, string KeyHint, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt);

/// <summary>
/// Manager API keys: random, shown once when made, stored only as their SHA-256, working only for their own
/// school, and stopping at their next request once revoked.
/// </summary>
public sealed class ManagerApiKeys(NpgsqlDataSource db, TimeProvider clock)
{
    const string Prefix = "itsm_";

    /// <summary>The demo school's fixed key, listed in the README: never use it in production.</summary>
    public const string DemoKey = "itsm_demo_manager_key_do_not_use_in_production";

    public async Task<(ManagerApiKey Key, string Secret)> CreateAsync(Guid schoolId, string name, string createdBy, string? secret = null,
        CancellationToken cancellationToken = default)
    {
        secret ??= Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var key = new ManagerApiKey(Guid.CreateVersion7(), schoolId, name, secret[^4..], createdBy, clock.GetUtcNow(), null);
        await using var command = db.CreateCommand("""
            INSERT INTO manager_api_keys (id, school_id, name, key_hash, key_hint, created_by, created_at)
            VALUES (@id, @school, @name, @hash, @hint, @by, @now)
            """);
        command.Parameters.AddWithValue("id", key.Id);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("hash", Hash(secret));
        command.Parameters.AddWithValue("hint", key.KeyHint);
        command.Parameters.AddWithValue("by", createdBy);
        command.Parameters.AddWithValue("now", key.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (key, secret);
    }

    /// <summary>The live key this secret is, or null (unknown, malformed or revoked).</summary>
    public async Task<ManagerApiKey?> AuthenticateAsync(string? secret, CancellationToken cancellationToken = default)
    {
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }
        await using var command = db.CreateCommand("""
            SELECT id, school_id, name, key_hint, created_by, created_at, revoked_at FROM manager_api_keys
            WHERE key_hash = @hash AND revoked_at IS NULL
            """);
        command.Parameters.AddWithValue("hash", Hash(secret));
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ManagerApiKey>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, school_id, name, key_hint, created_by, created_at, revoked_at FROM manager_api_keys
            WHERE school_id = @school ORDER BY revoked_at NULLS FIRST, created_at DESC
            """);
        command.Parameters.AddWithValue("school", schoolId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<bool> RevokeAsync(Guid schoolId, Guid keyId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE manager_api_keys SET revoked_at = @now WHERE id = @id AND school_id = @school AND revoked_at IS NULL");
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("id", keyId);
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    static async Task<IReadOnlyList<ManagerApiKey>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ManagerApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ManagerApiKey(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return keys;
    }

    static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}