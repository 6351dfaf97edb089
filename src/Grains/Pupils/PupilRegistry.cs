using ItSchool.Accounts;
using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.Pupils;

/// <summary>
/// The school's register of pupils as the manager keeps it: pupils with their class and pupil number
/// (matricule), and the guardians linked to them. Every query is scoped by school; every write runs in a
/// transaction holding the school's register lock (see <see cref="ParentAccounts.LockRegisterAsync"/>). What a
/// family may see of its own children is <see cref="GuardianLinks"/>'s.
/// </summary>
public sealed class PupilRegistry(NpgsqlDataSource db)
{
    /// <summary>The pupils by class then name, optionally of one class only, each with their guardians.</summary>
    public Task<IReadOnlyList<RegisteredPupil>> ListAsync(Guid schoolId, string? className = null,
        CancellationToken cancellationToken = default) =>
        QueryAsync(schoolId, OfClass, ("class", className?.Trim() ?? ""), null, cancellationToken);

    /// <summary>One page of <see cref="ListAsync"/>.</summary>
    public async Task<Paged<RegisteredPupil>> PageAsync(Guid schoolId, string? className, PageRequest page,
        CancellationToken cancellationToken = default)
    {
        await using var count = db.CreateCommand($"SELECT count(*)::int FROM pupils p WHERE p.school_id = @school {OfClass}");
        count.Parameters.AddWithValue("school", schoolId);
        count.Parameters.AddWithValue("class", className?.Trim() ?? "");
        var total = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        return await Paging.ReadAsync(page, total, (limit, offset) =>
            QueryAsync(schoolId, OfClass, ("class", className?.Trim() ?? ""), (limit, offset), cancellationToken));
    }

    const string OfClass = "AND (@class = '' OR p.class_name = @class)";

    public async Task<RegisteredPupil?> FindAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(schoolId, "AND p.id = @pupil", ("pupil", pupilId), null, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<string>> ClassesAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT DISTINCT class_name FROM pupils WHERE school_id = @school ORDER BY class_name");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var classes = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            classes.Add(reader.GetString(0));
        }
        return classes;
    }

    public async Task<(Guid? PupilId, PupilProblem? Problem)> AddAsync(Guid schoolId, PupilDetails details,
        CancellationToken cancellationToken = default)
    {
        details = details.Tidied();
        if (details.Check() is { } problem)
        {
            return (null, problem);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        if (await ReferenceHolderAsync(connection, schoolId, details.Reference, cancellationToken) is not null)
        {
            return (null, PupilProblem.ReferenceTaken);
        }
        var id = await InsertAsync(connection, schoolId, details, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (id, null);
    }

    public async Task<PupilProblem?> UpdateAsync(Guid schoolId, Guid pupilId, PupilDetails details,
        CancellationToken cancellationToken = default)
    {
        details = details.Tidied();
        if (details.Check() is { } problem)
        {
            return problem;
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        if (await ReferenceHolderAsync(connection, schoolId, details.Reference, cancellationToken) is { } holder && holder != pupilId)
        {
            return PupilProblem.ReferenceTaken;
        }
        if (!await UpdateAsync(connection, schoolId, pupilId, details, cancellationToken))
        {
            return PupilProblem.NotFound;
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Links an existing parent, named by user name or by e-mail address. An address two guardians share
    /// does not say which one is meant: the user name does.
    /// </summary>
    public async Task<GuardianProblem?> LinkGuardianAsync(Guid schoolId, Guid pupilId, string userNameOrEmail,
        CancellationToken cancellationToken = default)
    {
        var login = userNameOrEmail.Trim();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        if (!await PupilExistsAsync(connection, schoolId, pupilId, cancellationToken))
        {
            return GuardianProblem.PupilNotFound;
        }
        var parents = new List<Guid>();
        await using (var find = new NpgsqlCommand("""
            SELECT id FROM users
            WHERE school_id = @school AND role = 'parent'
              AND (lower(user_name) = lower(@login)
                   OR (lower(email) = lower(@login) AND NOT EXISTS (
                       SELECT 1 FROM users WHERE school_id = @school AND lower(user_name) = lower(@login))))
            """, connection))
        {
            find.Parameters.AddWithValue("school", schoolId);
            find.Parameters.AddWithValue("login", login);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                parents.Add(reader.GetGuid(0));
            }
        }
        switch (parents.Count)
        {
            case 0:
                return GuardianProblem.ParentUnknown;
            case > 1:
                return GuardianProblem.SeveralParents;
        }
        if (!await LinkAsync(connection, schoolId, pupilId, parents[0], cancellationToken))
        {
            return GuardianProblem.AlreadyLinked;
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Creates a parent account and links it, together or not at all. The caller has found the pupil in the
    /// school (pupils are never deleted), so a failed link is a bug, not something a user can cause.
    /// </summary>
    public async Task<(UserAccount? Parent, ParentProblem? Problem)> AddGuardianAsync(Guid schoolId, Guid pupilId, NewParent parent,
        CancellationToken cancellationToken = default)
    {
        parent = parent.Tidied();
        if (parent.Check() is { } problem)
        {
            return (null, problem);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        if (await ParentAccounts.FindSameAsync(connection, schoolId, parent, cancellationToken) is not null)
        {
            return (null, ParentProblem.AlreadyExists);
        }
        var account = await ParentAccounts.InsertAsync(connection, schoolId, parent, cancellationToken);
        if (!await LinkAsync(connection, schoolId, pupilId, account.Id, cancellationToken))
        {
            throw new InvalidOperationException($"No pupil {pupilId} in school {schoolId}");
        }
        await transaction.CommitAsync(cancellationToken);
        return (account, null);
    }

    /// <summary>Ends the link between a pupil and a guardian; false when there was no such link in the school.</summary>
    public async Task<bool> UnlinkGuardianAsync(Guid schoolId, Guid pupilId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ParentAccounts.LockRegisterAsync(connection, schoolId, cancellationToken);
        await using var command = new NpgsqlCommand(
            "DELETE FROM guardianships WHERE school_id = @school AND pupil_id = @pupil AND user_id = @user", connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("user", userId);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    internal static async Task<Guid> InsertAsync(NpgsqlConnection connection, Guid schoolId, PupilDetails details,
        CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await using var command = new NpgsqlCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name, reference)
            VALUES (@id, @school, @first_name, @last_name, @class_name, @reference)
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", schoolId);
        AddDetails(command, details);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    internal static async Task<bool> UpdateAsync(NpgsqlConnection connection, Guid schoolId, Guid pupilId, PupilDetails details,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE pupils SET first_name = @first_name, last_name = @last_name, class_name = @class_name, reference = @reference
            WHERE school_id = @school AND id = @id
            """, connection);
        command.Parameters.AddWithValue("id", pupilId);
        command.Parameters.AddWithValue("school", schoolId);
        AddDetails(command, details);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Links a pupil and a parent of the same school; false when they were linked already.</summary>
    internal static async Task<bool> LinkAsync(NpgsqlConnection connection, Guid schoolId, Guid pupilId, Guid userId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO guardianships (school_id, user_id, pupil_id)
            SELECT @school, @user, @pupil
            WHERE EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school)
              AND EXISTS (SELECT 1 FROM users WHERE id = @user AND school_id = @school AND role = 'parent')
            ON CONFLICT DO NOTHING
            """, connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    static void AddDetails(NpgsqlCommand command, PupilDetails details)
    {
        command.Parameters.AddWithValue("first_name", details.FirstName);
        command.Parameters.AddWithValue("last_name", details.LastName);
        command.Parameters.AddWithValue("class_name", details.ClassName);
        command.Parameters.AddWithValue("reference", (object?)details.Reference ?? DBNull.Value);
    }

    static async Task<Guid?> ReferenceHolderAsync(NpgsqlConnection connection, Guid schoolId, string? reference,
        CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return null;
        }
        await using var command = new NpgsqlCommand("SELECT id FROM pupils WHERE school_id = @school AND reference = @reference", connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("reference", reference);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    static async Task<bool> PupilExistsAsync(NpgsqlConnection connection, Guid schoolId, Guid pupilId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pupils WHERE school_id = @school AND id = @id)", connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", pupilId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    async Task<IReadOnlyList<RegisteredPupil>> QueryAsync(Guid schoolId, string condition, (string Name, object Value) parameter,
        (int Limit, int Offset)? page, CancellationToken cancellationToken)
    {
        // A page is of pupils, not of pupil-and-guardian rows: the pupils are chosen first, then joined.
        await using var command = db.CreateCommand($"""
            WITH chosen AS (
                SELECT p.id, p.school_id, p.first_name, p.last_name, p.class_name, p.reference FROM pupils p
                WHERE p.school_id = @school {condition}
                ORDER BY p.class_name, p.last_name, p.first_name, p.id
                {(page is null ? "" : "LIMIT @limit OFFSET @offset")})
            SELECT p.id, p.first_name, p.last_name, p.class_name, p.reference,
                   u.id, u.user_name, u.first_name, u.last_name, u.email
            FROM chosen p
            LEFT JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
            LEFT JOIN users u ON u.id = g.user_id AND u.school_id = p.school_id
            ORDER BY p.class_name, p.last_name, p.first_name, p.id, u.last_name, u.first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        if (page is { Limit: var limit, Offset: var offset })
        {
            command.Parameters.AddWithValue("limit", limit);
            command.Parameters.AddWithValue("offset", offset);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<(RegisteredPupil Pupil, List<Guardian> Guardians)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (pupils.Count == 0 || pupils[^1].Pupil.Id != id)
            {
                var guardians = new List<Guardian>();
                pupils.Add((new RegisteredPupil(id, schoolId, reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), guardians), guardians));
            }
            if (!reader.IsDBNull(5))
            {
                pupils[^1].Guardians.Add(new Guardian(reader.GetGuid(5), reader.GetString(6), reader.GetString(7),
                    reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
        }
        return pupils.Select(p => p.Pupil).ToList();
    }
}

/// <summary>What the school records about a pupil; the pupil number (matricule) is optional but unique.</summary>
public sealed record PupilDetails(string FirstName, string LastName, string ClassName, string? Reference)
{
    public PupilDetails Tidied() => new(Tidy(FirstName), Tidy(LastName), Tidy(ClassName),
        string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim());

    public PupilProblem? Check() =>
        FirstName.Length == 0 ? PupilProblem.FirstNameMissing
        : LastName.Length == 0 ? PupilProblem.LastNameMissing
        : ClassName.Length == 0 ? PupilProblem.ClassMissing
        : null;

    static string Tidy(string? text) => string.Join(' ', (text ?? "").Split(default(char[]), StringSplitOptions.RemoveEmptyEntries));
}

public enum PupilProblem
{
    FirstNameMissing,
    LastNameMissing,
    ClassMissing,
    ReferenceTaken,
    NotFound,
}

public enum GuardianProblem
{
    PupilNotFound,
    ParentUnknown,
    SeveralParents,
    AlreadyLinked,
}

/// <summary>A parent linked to a pupil.</summary>
public sealed record Guardian(Guid Id, string UserName, string FirstName, string LastName, string? Email)
{
    public string DisplayName => $"{FirstName} {LastName}";
}

public sealed record RegisteredPupil(
    Guid Id,
    Guid SchoolId,
    string FirstName,
    string LastName,
    string ClassName,
    string? Reference,
    IReadOnlyList<Guardian> Guardians)
{
    public string DisplayName => $"{FirstName} {LastName}";

    public PupilDetails Details => new(FirstName, LastName, ClassName, Reference);
}