using Npgsql;

namespace ItSchool.Accounts;

/// <summary>
/// Temporary lockout after repeated failures, counted per school twice over: per login as typed
/// (lower-cased), whether or not an account by that name exists, so a locked name and an unknown name look
/// the same; and per account the login names, so failures spread over the user name and the e-mail address
/// of one account add up.
/// </summary>
public sealed class SignInThrottle(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    // The counters a login feeds: its own, and one per account it names (guardians may share an address).
    // An account's key has capitals and a typed login is lower-cased, so no typing can reach an account's counter.
    const string Keys = """
        keys AS (
            SELECT @login AS login
            UNION
            SELECT '#Account:' || id::text FROM users
            WHERE school_id = @school AND (lower(user_name) = @login OR lower(email) = @login))
        """;

    public async Task<bool> IsLockedAsync(Guid schoolId, string login, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            WITH {Keys}
            SELECT EXISTS (SELECT 1 FROM sign_in_failures
                           WHERE school_id = @school AND login IN (SELECT login FROM keys) AND locked_until > @now)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", Key(login));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Counts a failure; the fifth within the window locks the login (and the accounts it names) for a while.</summary>
    public async Task RecordFailureAsync(Guid schoolId, string login, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var command = db.CreateCommand($"""
            WITH {Keys}
            INSERT INTO sign_in_failures AS f (school_id, login, failures, window_started_at)
            SELECT @school, login, 1, @now FROM keys
            ON CONFLICT (school_id, login) DO UPDATE SET
                failures = CASE WHEN f.window_started_at > @window_start THEN f.failures + 1 ELSE 1 END,
                window_started_at = CASE WHEN f.window_started_at > @window_start THEN f.window_started_at ELSE @now END,
                locked_until = CASE WHEN f.window_started_at > @window_start AND f.failures + 1 >= @max
                                    THEN @locked_until ELSE f.locked_until END
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", Key(login));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("window_start", now - Window);
        command.Parameters.AddWithValue("max", MaxFailures);
        command.Parameters.AddWithValue("locked_until", now + Lockout);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>After a success: the typed login's counter and the account's start again.</summary>
    public async Task ClearAsync(Guid schoolId, string login, Guid? accountId = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "DELETE FROM sign_in_failures WHERE school_id = @school AND (login = @login OR login = '#Account:' || @account::text)");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", Key(login));
        command.Parameters.Add(new NpgsqlParameter("account", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)accountId ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string Key(string login) => login.Trim().ToLowerInvariant();
}