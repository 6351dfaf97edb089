using Npgsql;

namespace ItSchool.Accounts;

/// <summary>The Entra application a school signs in with; <see cref="ProtectedSecret"/> is ciphertext the web tier reads.</summary>
public sealed record MicrosoftApplication(string TenantId, string ClientId, string ProtectedSecret, bool InstallationWide);

/// <summary>
/// "Se connecter avec Microsoft" in the database (0076_microsoft_sign_in.sql): each school's application, the
/// installation's, and the links between Microsoft identities (tenant + object id) and accounts.
/// </summary>
public sealed class MicrosoftSignIns(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>The school's own application, else the installation's, else null (no Microsoft button).</summary>
    public async Task<MicrosoftApplication?> ApplicationForAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        await SchoolApplicationAsync(schoolId, cancellationToken) ?? await InstallationApplicationAsync(cancellationToken);

    public Task<MicrosoftApplication?> SchoolApplicationAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        ReadAsync("SELECT tenant_id, client_id, protected_secret FROM microsoft_sign_in_settings WHERE school_id = @school",
            schoolId, false, cancellationToken);

    public Task<MicrosoftApplication?> InstallationApplicationAsync(CancellationToken cancellationToken = default) =>
        ReadAsync("SELECT tenant_id, client_id, protected_secret FROM microsoft_sign_in_installation", null, true, cancellationToken);

    async Task<MicrosoftApplication?> ReadAsync(string sql, Guid? schoolId, bool installationWide, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(sql);
        if (schoolId is { } school)
        {
            command.Parameters.AddWithValue("school", school);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MicrosoftApplication(reader.GetString(0), reader.GetString(1), reader.GetString(2), installationWide)
            : null;
    }

    /// <summary>Saves the school's application; a null secret keeps the one already stored (the page never shows it back).</summary>
    public async Task<bool> SaveForSchoolAsync(Guid schoolId, string tenantId, string clientId, string? protectedSecret,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(protectedSecret is null
            ? """
              UPDATE microsoft_sign_in_settings SET tenant_id = @tenant, client_id = @client, updated_at = @now
              WHERE school_id = @school
              """
            : """
              INSERT INTO microsoft_sign_in_settings (school_id, tenant_id, client_id, protected_secret, updated_at)
              VALUES (@school, @tenant, @client, @secret, @now)
              ON CONFLICT (school_id) DO UPDATE SET tenant_id = @tenant, client_id = @client, protected_secret = @secret, updated_at = @now
              """);
        command.Parameters.AddWithValue("school", schoolId);
        return await SaveAsync(command, tenantId, clientId, protectedSecret, cancellationToken);
    }

    /// <summary>Saves the installation's application, as <see cref="SaveForSchoolAsync"/> does a school's.</summary>
    public async Task<bool> SaveForInstallationAsync(string tenantId, string clientId, string? protectedSecret,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(protectedSecret is null
            ? "UPDATE microsoft_sign_in_installation SET tenant_id = @tenant, client_id = @client, updated_at = @now"
            : """
              INSERT INTO microsoft_sign_in_installation (tenant_id, client_id, protected_secret, updated_at)
              VALUES (@tenant, @client, @secret, @now)
              ON CONFLICT (one) DO UPDATE SET tenant_id = @tenant, client_id = @client, protected_secret = @secret, updated_at = @now
              """);
        return await SaveAsync(command, tenantId, clientId, protectedSecret, cancellationToken);
    }

    async Task<bool> SaveAsync(NpgsqlCommand command, string tenantId, string clientId, string? protectedSecret, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("client", clientId);
        command.Parameters.AddWithValue("secret", (object?)protectedSecret ?? DBNull.Value);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task RemoveForSchoolAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("DELETE FROM microsoft_sign_in_settings WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveForInstallationAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("DELETE FROM microsoft_sign_in_installation");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The account a Microsoft identity was linked to, if it is still active.</summary>
    public async Task<Guid?> LinkedUserAsync(Guid schoolId, string tenantId, string objectId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT l.user_id FROM microsoft_links l JOIN users u ON u.id = l.user_id AND u.school_id = l.school_id
            WHERE l.school_id = @school AND l.tenant_id = @tenant AND l.object_id = @object AND u.deactivated_at IS NULL
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("object", objectId);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    public async Task LinkAsync(Guid schoolId, string tenantId, string objectId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO microsoft_links (school_id, tenant_id, object_id, user_id, linked_at)
            VALUES (@school, @tenant, @object, @user, @now) ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("object", objectId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}