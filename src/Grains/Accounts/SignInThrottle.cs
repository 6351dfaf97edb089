using Npgsql;

namespace ItSchool.Accounts;

/// <summary>
/// Temporary lockout after repeated failures, counted per school and per login as typed (lower-cased),
/// whether or not an account by that name exists: a locked name and an unknown name look the same.
/// </summary>
public sealed class SignInThrottle(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    public async Task<bool> IsLockedAsync(Guid schoolId, string login, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT locked_until FROM sign_in_failures WHERE school_id = @school AND login = @login");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", Key(login));
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime lockedUntil
            && new DateTimeOffset(lockedUntil, TimeSpan.Zero) > clock.GetUtcNow();
    }

    /// <summary>Counts a failure; the fifth within the window locks the login for a while.</summary>
    public async Task RecordFailureAsync(Guid schoolId, string login, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var command = db.CreateCommand("""
            INSERT INTO sign_in_failures AS f (school_id, login, failures, window_started_at)
            VALUES (@school, @login, 1, @now)
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

    public async Task ClearAsync(Guid schoolId, string login, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("DELETE FROM sign_in_failures WHERE school_id = @school AND login = @login");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", Key(login));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string Key(string login) => login.Trim().ToLowerInvariant();
}