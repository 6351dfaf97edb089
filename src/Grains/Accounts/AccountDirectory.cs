using ItSchool.Legal;
using ItSchool.Pupils;
using Npgsql;

namespace ItSchool.Accounts;

/// <summary>Reads and updates the users of a school; every query is scoped by school.</summary>
public sealed class AccountDirectory(NpgsqlDataSource db, TimeProvider clock)
{
    const string Columns = "id, school_id, user_name, email, first_name, last_name, role, session_stamp, language";

    /// <summary>
    /// The account a login name or e-mail address and password open, or null. Wrong name and wrong
    /// password take the same time and give the same answer.
    /// </summary>
    public async Task<UserAccount?> SignInAsync(Guid schoolId, string login, string password,
        CancellationToken cancellationToken = default)
    {
        var candidates = new List<(UserAccount Account, string? Hash)>();
        await using (var command = db.CreateCommand($"""
            SELECT {Columns}, password_hash FROM users
            WHERE school_id = @school AND (lower(user_name) = lower(@login) OR lower(email) = lower(@login)) AND deactivated_at IS NULL
            """))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("login", login.Trim());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((Read(reader), reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
        }
        if (candidates.Count == 0)
        {
            PasswordHash.Verify(password, null);
            return null;
        }
        // Guardians sharing one e-mail address each have their own password: the password picks the account.
        var account = candidates.FirstOrDefault(c => PasswordHash.Verify(password, c.Hash)).Account;
        if (account is not null)
        {
            await using var signedIn = db.CreateCommand("""
                UPDATE users SET last_signed_in_at = @now, first_signed_in_at = coalesce(first_signed_in_at, @now)
                WHERE id = @id
                """);
            signedIn.Parameters.AddWithValue("now", clock.GetUtcNow());
            signedIn.Parameters.AddWithValue("id", account.Id);
            await signedIn.ExecuteNonQueryAsync(cancellationToken);
        }
        return account;
    }

    public async Task<UserAccount?> FindAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM users WHERE school_id = @school AND id = @id AND deactivated_at IS NULL");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Every account of the school registered with this address (guardians may share one).</summary>
    public async Task<IReadOnlyList<UserAccount>> FindByEmailAsync(Guid schoolId, string email, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"SELECT {Columns} FROM users WHERE school_id = @school AND lower(email) = lower(@email) AND deactivated_at IS NULL ORDER BY user_name");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("email", email.Trim());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<UserAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(Read(reader));
        }
        return accounts;
    }

    /// <summary>The stamp every live session of the person must carry; null when the account is gone.</summary>
    public async Task<Guid?> SessionStampAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT session_stamp FROM users WHERE school_id = @school AND id = @id AND deactivated_at IS NULL");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>
    /// Whether a session issued with <paramref name="stamp"/> is still open: the account's stamp has not
    /// changed since, and this very session (when it has an id) has not signed out.
    /// </summary>
    public async Task<bool> IsSessionOpenAsync(Guid schoolId, Guid userId, Guid stamp, Guid? sessionId,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT session_stamp = @stamp AND NOT EXISTS (SELECT 1 FROM ended_sessions WHERE session_id = @session)
            FROM users WHERE school_id = @school AND id = @id AND deactivated_at IS NULL
            """);
        command.Parameters.AddWithValue("stamp", stamp);
        command.Parameters.Add(new NpgsqlParameter("session", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)sessionId ?? DBNull.Value });
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// For a parent's request, in one round trip: whether the session is open (as <see cref="IsSessionOpenAsync"/>),
    /// the child it has open if this person is still their guardian, and the school's terms still to accept
    /// (<see cref="LegalTexts.TermsToAcceptAsync"/>): every page of a parent asks all three before anything else.
    /// </summary>
    public async Task<ParentSession> ParentSessionAsync(Guid schoolId, Guid userId, Guid stamp, Guid? sessionId, Guid? pupilId,
        CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        var session = new NpgsqlBatchCommand("""
            SELECT u.session_stamp = @stamp AND NOT EXISTS (SELECT 1 FROM ended_sessions WHERE session_id = @session),
                   p.id, p.school_id, p.first_name, p.last_name, p.class_name
            FROM users u
            LEFT JOIN guardianships g ON g.school_id = u.school_id AND g.user_id = u.id AND g.pupil_id = @pupil
            LEFT JOIN pupils p ON p.id = g.pupil_id AND p.school_id = g.school_id
            WHERE u.school_id = @school AND u.id = @id AND u.deactivated_at IS NULL
            """);
        session.Parameters.AddWithValue("stamp", stamp);
        session.Parameters.Add(new NpgsqlParameter("session", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)sessionId ?? DBNull.Value });
        session.Parameters.Add(new NpgsqlParameter("pupil", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)pupilId ?? DBNull.Value });
        session.Parameters.AddWithValue("school", schoolId);
        session.Parameters.AddWithValue("id", userId);
        batch.BatchCommands.Add(session);
        batch.BatchCommands.Add(LegalTexts.TermsToAccept(schoolId, userId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || !reader.GetBoolean(0))
        {
            return new ParentSession(false, null, null);
        }
        var child = reader.IsDBNull(1)
            ? null
            : new Pupil(reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
        await reader.NextResultAsync(cancellationToken);
        return new ParentSession(true, child, await LegalTexts.ReadTermsToAcceptAsync(reader, cancellationToken));
    }

    /// <summary>
    /// Ends one session for good (its cookie opens nothing any more), until <paramref name="cookieLifetime"/>
    /// from now, after which the cookie would be refused anyway. Older rows go at the same time.
    /// </summary>
    public async Task EndSessionAsync(Guid schoolId, Guid userId, Guid sessionId, TimeSpan cookieLifetime,
        CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var command = db.CreateCommand("""
            WITH gone AS (DELETE FROM ended_sessions WHERE expires_at < @now)
            INSERT INTO ended_sessions (session_id, school_id, user_id, expires_at)
            SELECT @session, @school, @id, @until WHERE EXISTS (SELECT 1 FROM users WHERE school_id = @school AND id = @id)
            ON CONFLICT (session_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        command.Parameters.AddWithValue("until", now + cookieLifetime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces the password when the current one is right, and changes the session stamp: whoever knew the
    /// old password may hold a session, so every other session ends; the caller re-issues its own cookie.
    /// </summary>
    public async Task<UserAccount?> ChangePasswordAsync(Guid schoolId, Guid userId, string currentPassword, string newPasswordHash,
        CancellationToken cancellationToken = default)
    {
        await using (var read = db.CreateCommand("SELECT password_hash FROM users WHERE school_id = @school AND id = @id"))
        {
            read.Parameters.AddWithValue("school", schoolId);
            read.Parameters.AddWithValue("id", userId);
            if (!PasswordHash.Verify(currentPassword, await read.ExecuteScalarAsync(cancellationToken) as string))
            {
                return null;
            }
        }
        await using var update = db.CreateCommand($"""
            UPDATE users SET password_hash = @hash, session_stamp = gen_random_uuid()
            WHERE school_id = @school AND id = @id
            RETURNING {Columns}
            """);
        update.Parameters.AddWithValue("hash", newPasswordHash);
        update.Parameters.AddWithValue("school", schoolId);
        update.Parameters.AddWithValue("id", userId);
        await using var reader = await update.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>"Se déconnecter des autres appareils": a new session stamp; the caller re-issues its own cookie.</summary>
    public async Task<UserAccount?> EndOtherSessionsAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var update = db.CreateCommand($"""
            UPDATE users SET session_stamp = gen_random_uuid() WHERE school_id = @school AND id = @id RETURNING {Columns}
            """);
        update.Parameters.AddWithValue("school", schoolId);
        update.Parameters.AddWithValue("id", userId);
        await using var reader = await update.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Deactivates an account: it cannot sign in, every session ends (a new stamp) and its pending links stop
    /// working; nothing else changes. A manager cannot deactivate their own account. False when there was
    /// nothing to do (already deactivated, unknown, or the manager's own).
    /// </summary>
    public async Task<bool> DeactivateAsync(Guid schoolId, Guid userId, Guid byUserId, CancellationToken cancellationToken = default)
    {
        if (userId == byUserId)
        {
            return false;
        }
        await using var command = db.CreateCommand("""
            WITH deactivated AS (
                UPDATE users SET deactivated_at = @now, session_stamp = gen_random_uuid()
                WHERE school_id = @school AND id = @id AND deactivated_at IS NULL
                RETURNING id),
            revoked AS (
                UPDATE login_tokens SET revoked_at = @now
                WHERE user_id IN (SELECT id FROM deactivated) AND used_at IS NULL AND revoked_at IS NULL)
            SELECT count(*) FROM deactivated
            """);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteScalarAsync(cancellationToken) is 1L;
    }

    /// <summary>Opens a deactivated account again: its password works as before; false when it was not deactivated.</summary>
    public async Task<bool> ReactivateAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET deactivated_at = NULL WHERE school_id = @school AND id = @id AND deactivated_at IS NOT NULL");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    static UserAccount Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4), reader.GetString(5), Roles.FromDatabase(reader.GetString(6)), reader.GetGuid(7))
    {
        Language = reader.IsDBNull(8) ? null : reader.GetString(8),
    };
}

/// <summary>What a parent's request starts from: an open session, its child (null: none open or no longer theirs), the terms version still to accept.</summary>
public sealed record ParentSession(bool Open, Pupil? Child, int? TermsToAccept);