using Npgsql;

namespace ItSchool.Accounts;

/// <summary>Reads the users of a school; every query is scoped by school.</summary>
public sealed class AccountDirectory(NpgsqlDataSource db)
{
    const string Columns = "id, school_id, user_name, email, first_name, last_name, role";

    /// <summary>
    /// The account a login name or e-mail address and password open, or null. Wrong name and wrong
    /// password take the same time and give the same answer.
    /// </summary>
    public async Task<UserAccount?> SignInAsync(Guid schoolId, string login, string password,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {Columns}, password_hash FROM users
            WHERE school_id = @school AND (lower(user_name) = lower(@login) OR lower(email) = lower(@login))
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("login", login.Trim());
        var candidates = new List<(UserAccount Account, string? Hash)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add((Read(reader), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }
        if (candidates.Count == 0)
        {
            PasswordHash.Verify(password, null);
            return null;
        }
        // Guardians sharing one e-mail address each have their own password: the password picks the account.
        return candidates.FirstOrDefault(c => PasswordHash.Verify(password, c.Hash)).Account;
    }

    public async Task<UserAccount?> FindAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM users WHERE school_id = @school AND id = @id");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    static UserAccount Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4), reader.GetString(5), Roles.FromDatabase(reader.GetString(6)));
}