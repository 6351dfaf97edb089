using Npgsql;

namespace ItSchool.Accounts;

/// <summary>
/// The school's staff accounts — teachers, canteen operators, managers — as the manager creates and lists
/// them. They sign in like parents (an invitation with a one-time token, then their own password); only
/// their role differs.
/// </summary>
public sealed class StaffAccounts(NpgsqlDataSource db)
{
    public static readonly IReadOnlyList<Role> Roles = [Role.Teacher, Role.Canteen, Role.Manager];

    public async Task<(UserAccount? Account, ParentProblem? Problem)> CreateAsync(Guid schoolId, NewParent person, Role role,
        CancellationToken cancellationToken = default)
    {
        if (!Roles.Contains(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Parents are created with their children, not as staff.");
        }
        person = person.Tidied();
        if (person.Check() is { } problem)
        {
            return (null, problem);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        // One staff account per address: the same person as a parent keeps a separate parent account.
        await using (var same = new NpgsqlCommand(
            "SELECT 1 FROM users WHERE school_id = @school AND role <> 'parent' AND lower(email) = lower(@email)", connection))
        {
            same.Parameters.AddWithValue("school", schoolId);
            same.Parameters.AddWithValue("email", person.Email);
            if (await same.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return (null, ParentProblem.AlreadyExists);
            }
        }
        var account = await ParentAccounts.InsertAsync(connection, schoolId, person, role, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (account, null);
    }

    /// <summary>The school's staff by role then name, with whether they have connected yet.</summary>
    public async Task<IReadOnlyList<StaffMember>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, user_name, first_name, last_name, email, role, invited_at, first_signed_in_at, last_signed_in_at, deactivated_at
            FROM users WHERE school_id = @school AND role <> 'parent'
            ORDER BY last_name, first_name, user_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var staff = new List<StaffMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            staff.Add(new StaffMember(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), Accounts.Roles.FromDatabase(reader.GetString(5)),
                ParentAccounts.OptionalDate(reader, 6), ParentAccounts.OptionalDate(reader, 7), ParentAccounts.OptionalDate(reader, 8),
                ParentAccounts.OptionalDate(reader, 9)));
        }
        return staff;
    }
}

/// <summary>A member of staff as the manager's "Personnel" list shows them.</summary>
public sealed record StaffMember(
    Guid Id,
    string UserName,
    string FirstName,
    string LastName,
    string? Email,
    Role Role,
    DateTimeOffset? InvitedAt,
    DateTimeOffset? FirstSignedInAt,
    DateTimeOffset? LastSignedInAt,
    DateTimeOffset? DeactivatedAt = null)
{
    public ConnectionStatus Status =>
        FirstSignedInAt is not null ? ConnectionStatus.Connected
        : InvitedAt is not null ? ConnectionStatus.Invited
        : ConnectionStatus.NeverInvited;
}