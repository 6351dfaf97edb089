using Npgsql;

namespace ItSchool.Accounts;

/// <summary>
/// Issues and redeems one-time login tokens. An invitation is valid 14 days, a password reset a few hours;
/// a token opens its account once, and a newer token of the same purpose replaces the older ones. The two
/// purposes live side by side: anybody can ask for a reset by typing a parent's address, and that must not
/// cancel the invitation the school sent. Using either token ends the other. Only the token's hash is stored.
/// </summary>
public sealed class LoginTokens(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(14);

    /// <summary>A reset link sits in a mailbox that may be read by others later: it should not outlive the evening.</summary>
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(4);

    public static TimeSpan LifetimeOf(TokenPurpose purpose) => purpose == TokenPurpose.Invitation ? InvitationLifetime : ResetLifetime;

    /// <summary>A new token for the person, replacing any token of the same purpose they have not used yet.</summary>
    public async Task<string> IssueAsync(Guid schoolId, Guid userId, TokenPurpose purpose, CancellationToken cancellationToken = default)
    {
        var token = LoginToken.Create();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var revoke = new NpgsqlCommand("""
            UPDATE login_tokens SET revoked_at = @now
            WHERE user_id = @user AND school_id = @school AND purpose = @purpose AND used_at IS NULL AND revoked_at IS NULL
            """, connection))
        {
            revoke.Parameters.AddWithValue("purpose", Code(purpose));
            revoke.Parameters.AddWithValue("now", now);
            revoke.Parameters.AddWithValue("user", userId);
            revoke.Parameters.AddWithValue("school", schoolId);
            await revoke.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO login_tokens (id, school_id, user_id, token_hash, purpose, created_at, expires_at)
            SELECT @id, @school, @user, @hash, @purpose, @now, @expires
            WHERE EXISTS (SELECT 1 FROM users WHERE id = @user AND school_id = @school)
            """, connection))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("hash", LoginToken.Hash(LoginToken.Normalize(token)!));
            insert.Parameters.AddWithValue("purpose", Code(purpose));
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("expires", now + LifetimeOf(purpose));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"No user {userId} in school {schoolId}");
            }
        }
        if (purpose == TokenPurpose.Invitation)
        {
            await using var invited = new NpgsqlCommand("UPDATE users SET invited_at = @now WHERE id = @user", connection);
            invited.Parameters.AddWithValue("now", now);
            invited.Parameters.AddWithValue("user", userId);
            await invited.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return token;
    }

    /// <summary>Whether the token would open an account now, without using it up.</summary>
    public async Task<TokenCheck> CheckAsync(Guid schoolId, string? typed, CancellationToken cancellationToken = default)
    {
        var normalized = LoginToken.Normalize(typed);
        if (normalized is null)
        {
            return new TokenCheck(TokenState.Unknown, null);
        }
        await using var command = db.CreateCommand("""
            SELECT t.user_id, t.expires_at, t.used_at, t.revoked_at, u.user_name
            FROM login_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.school_id = @school
            """);
        command.Parameters.AddWithValue("hash", LoginToken.Hash(normalized));
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new TokenCheck(TokenState.Unknown, null);
        }
        var state = !reader.IsDBNull(2) ? TokenState.Used
            : !reader.IsDBNull(3) ? TokenState.Replaced
            : reader.GetFieldValue<DateTimeOffset>(1) <= clock.GetUtcNow() ? TokenState.Expired
            : TokenState.Valid;
        return new TokenCheck(state, state == TokenState.Valid ? reader.GetString(4) : null);
    }

    /// <summary>
    /// Uses the token up and sets the account's password, in one transaction: two browsers submitting the
    /// same token at once get one success and one <see cref="TokenState.Used"/>. Every other session of the
    /// person ends, as after any reset, and their other pending tokens (an invitation, a reset) with them.
    /// </summary>
    public async Task<(TokenState State, Guid? UserId)> RedeemAsync(Guid schoolId, string? typed, string passwordHash,
        CancellationToken cancellationToken = default)
    {
        var normalized = LoginToken.Normalize(typed);
        if (normalized is null)
        {
            return (TokenState.Unknown, null);
        }
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid userId;
        await using (var consume = new NpgsqlCommand("""
            UPDATE login_tokens SET used_at = @now
            WHERE token_hash = @hash AND school_id = @school
              AND used_at IS NULL AND revoked_at IS NULL AND expires_at > @now
              AND EXISTS (SELECT 1 FROM users u WHERE u.id = login_tokens.user_id AND u.deactivated_at IS NULL)
            RETURNING user_id
            """, connection))
        {
            consume.Parameters.AddWithValue("now", now);
            consume.Parameters.AddWithValue("hash", LoginToken.Hash(normalized));
            consume.Parameters.AddWithValue("school", schoolId);
            if (await consume.ExecuteScalarAsync(cancellationToken) is not Guid consumed)
            {
                await transaction.RollbackAsync(cancellationToken);
                return ((await CheckAsync(schoolId, typed, cancellationToken)).State switch
                {
                    TokenState.Valid => TokenState.Used,
                    var other => other,
                }, null);
            }
            userId = consumed;
        }
        await using (var others = new NpgsqlCommand("""
            UPDATE login_tokens SET revoked_at = @now
            WHERE user_id = @user AND school_id = @school AND used_at IS NULL AND revoked_at IS NULL
            """, connection))
        {
            others.Parameters.AddWithValue("now", now);
            others.Parameters.AddWithValue("user", userId);
            others.Parameters.AddWithValue("school", schoolId);
            await others.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE users SET password_hash = @hash, session_stamp = gen_random_uuid(),
                             first_signed_in_at = coalesce(first_signed_in_at, @now)
            WHERE id = @user
            """, connection))
        {
            update.Parameters.AddWithValue("hash", passwordHash);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("user", userId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (TokenState.Valid, userId);
    }

    static string Code(TokenPurpose purpose) => purpose.ToString().ToLowerInvariant();
}

public enum TokenState
{
    Valid,
    Unknown,
    Expired,
    Used,
    Replaced,
}

public sealed record TokenCheck(TokenState State, string? UserName);