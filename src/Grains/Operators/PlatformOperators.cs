using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using Npgsql;

namespace ItSchool.Operators;

/// <summary>
/// The installation's operators: the first one is created through the one-time link a start prints when
/// there is none (there is no default account); then they sign in with their own password.
/// </summary>
public sealed partial class PlatformOperators(NpgsqlDataSource db, TimeProvider clock)
{
    public static readonly TimeSpan SetupLinkLifetime = TimeSpan.FromHours(24);
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    // Two nodes starting together on an empty database must not print two valid links.
    const long AdvisoryLockKey = 0x1750_5C00_0054;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{2,39}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM platform_operators)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// When the installation has no operator yet: a new setup token (any earlier link stops working), to be
    /// printed once in the log. Null when an operator exists.
    /// </summary>
    public async Task<string?> IssueSetupLinkAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM platform_operators)", connection))
        {
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return null;
            }
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        await using (var replace = new NpgsqlCommand("""
            DELETE FROM platform_setup_links;
            INSERT INTO platform_setup_links (token_hash, created_at, expires_at) VALUES (@hash, @now, @expires);
            """, connection))
        {
            replace.Parameters.AddWithValue("hash", Hash(token));
            replace.Parameters.AddWithValue("now", now);
            replace.Parameters.AddWithValue("expires", now + SetupLinkLifetime);
            await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return token;
    }

    public async Task<bool> IsSetupLinkValidAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return false;
        }
        await using var command = db.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM platform_setup_links WHERE token_hash = @hash AND expires_at > @now)
               AND NOT EXISTS (SELECT 1 FROM platform_operators)
            """);
        command.Parameters.AddWithValue("hash", Hash(token));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Creates the first operator and spends the link, in one transaction: a second use finds nothing.</summary>
    public async Task<(PlatformOperator? Operator, OperatorProblem? Problem, PasswordProblem? PasswordProblem)> CreateFirstAsync(
        string? token, NewOperator person, CancellationToken cancellationToken = default)
    {
        person = person.Tidied();
        if (person.UserName.Length == 0 || person.Email.Length == 0 || person.FirstName.Length == 0 || person.LastName.Length == 0
            || person.FirstName.Length > 100 || person.LastName.Length > 100)
        {
            return (null, OperatorProblem.Incomplete, null);
        }
        if (!UserNamePattern().IsMatch(person.UserName))
        {
            return (null, OperatorProblem.UserNameInvalid, null);
        }
        if (person.Email.Length > 200 || !EmailPattern().IsMatch(person.Email))
        {
            return (null, OperatorProblem.EmailInvalid, null);
        }
        if (PasswordRules.Check(person.Password, person.Confirmation, person.UserName) is { } weak)
        {
            return (null, null, weak);
        }
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (null, OperatorProblem.LinkInvalid, null);
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        await using (var spend = new NpgsqlCommand("""
            DELETE FROM platform_setup_links WHERE token_hash = @hash AND expires_at > @now
              AND NOT EXISTS (SELECT 1 FROM platform_operators)
            """, connection))
        {
            spend.Parameters.AddWithValue("hash", Hash(token));
            spend.Parameters.AddWithValue("now", clock.GetUtcNow());
            if (await spend.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return (null, OperatorProblem.LinkInvalid, null);
            }
        }
        var created = new PlatformOperator(Guid.CreateVersion7(), person.UserName.ToLowerInvariant(), person.Email, person.FirstName,
            person.LastName, Guid.NewGuid());
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO platform_operators (id, user_name, email, first_name, last_name, password_hash, session_stamp, created_at)
            VALUES (@id, @user_name, @email, @first_name, @last_name, @hash, @stamp, @now);
            DELETE FROM platform_setup_links;
            """, connection))
        {
            insert.Parameters.AddWithValue("id", created.Id);
            insert.Parameters.AddWithValue("user_name", created.UserName);
            insert.Parameters.AddWithValue("email", created.Email);
            insert.Parameters.AddWithValue("first_name", created.FirstName);
            insert.Parameters.AddWithValue("last_name", created.LastName);
            insert.Parameters.AddWithValue("hash", PasswordHash.Create(person.Password));
            insert.Parameters.AddWithValue("stamp", created.SessionStamp);
            insert.Parameters.AddWithValue("now", clock.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (created, null, null);
    }

    /// <summary>
    /// The operator's sign-in, by user name or e-mail address. Five failures lock the account for a while;
    /// a name that matches nobody costs the same hashing time and says the same thing.
    /// </summary>
    public async Task<(PlatformOperator? Operator, bool LockedOut)> SignInAsync(string login, string password,
        CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var find = db.CreateCommand("""
            SELECT id, user_name, email, first_name, last_name, session_stamp, password_hash, locked_until
            FROM platform_operators WHERE lower(user_name) = lower(@login) OR lower(email) = lower(@login)
            """);
        find.Parameters.AddWithValue("login", login.Trim());
        PlatformOperator? found = null;
        string? hash = null;
        DateTimeOffset? lockedUntil = null;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                found = new PlatformOperator(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetGuid(5));
                hash = reader.GetString(6);
                lockedUntil = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7);
            }
        }
        if (lockedUntil > now)
        {
            return (null, true);
        }
        var verified = PasswordHash.Verify(password, hash);
        if (found is null)
        {
            return (null, false);
        }
        await using var record = db.CreateCommand(verified
            ? "UPDATE platform_operators SET failures = 0, locked_until = NULL, last_signed_in_at = @now WHERE id = @id"
            : """
              UPDATE platform_operators SET
                  failures = CASE WHEN window_started_at > @window_start THEN failures + 1 ELSE 1 END,
                  window_started_at = CASE WHEN window_started_at > @window_start THEN window_started_at ELSE @now END,
                  locked_until = CASE WHEN window_started_at > @window_start AND failures + 1 >= @max THEN @locked_until ELSE locked_until END
              WHERE id = @id
              """);
        record.Parameters.AddWithValue("id", found.Id);
        record.Parameters.AddWithValue("now", now);
        record.Parameters.AddWithValue("window_start", now - Lockout);
        record.Parameters.AddWithValue("max", MaxFailures);
        record.Parameters.AddWithValue("locked_until", now + Lockout);
        await record.ExecuteNonQueryAsync(cancellationToken);
        return (verified ? found : null, false);
    }

    public async Task<Guid?> SessionStampAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT session_stamp FROM platform_operators WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}