using System.Globalization;
using System.Net.Mail;
using System.Text;
using ItSchool.Platform.Database;
using ItSchool.Pupils;
using Npgsql;

namespace ItSchool.Accounts;

/// <summary>
/// The school's side of parent accounts: creating them (with a generated user name) and listing them with
/// their children and whether they have connected yet. Every query is scoped by school.
/// </summary>
public sealed class ParentAccounts(NpgsqlDataSource db)
{
    const string AccountColumns = "u.id, u.school_id, u.user_name, u.email, u.first_name, u.last_name, u.role, u.session_stamp";

    public async Task<(UserAccount? Account, ParentProblem? Problem)> CreateAsync(Guid schoolId, NewParent parent,
        CancellationToken cancellationToken = default)
    {
        parent = parent.Tidied();
        if (parent.Check() is { } problem)
        {
            return (null, problem);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockRegisterAsync(connection, schoolId, cancellationToken);
        if (await FindSameAsync(connection, schoolId, parent, cancellationToken) is not null)
        {
            return (null, ParentProblem.AlreadyExists);
        }
        var account = await InsertAsync(connection, schoolId, parent, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (account, null);
    }

    /// <summary>The school's parents, by name, each with their children and connection dates.</summary>
    public Task<IReadOnlyList<ParentSummary>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        SummariesAsync(schoolId, null, null, null, cancellationToken);

    public async Task<ParentSummary?> FindAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default) =>
        (await SummariesAsync(schoolId, userId, null, null, cancellationToken)).SingleOrDefault();

    /// <summary>One page of the parents with a child in <paramref name="className"/> and of <paramref name="status"/> (any when null).</summary>
    public async Task<Paged<ParentSummary>> PageAsync(Guid schoolId, string? className, ConnectionStatus? status, PageRequest page,
        CancellationToken cancellationToken = default)
    {
        await using var count = db.CreateCommand($"SELECT count(*)::int FROM users u WHERE u.school_id = @school AND u.role = 'parent' AND {Matching}");
        count.Parameters.AddWithValue("school", schoolId);
        AddFilter(count, className, status);
        var total = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        return await Paging.ReadAsync(page, total, (limit, offset) =>
            SummariesAsync(schoolId, null, (className, status), (limit, offset), cancellationToken));
    }

    /// <summary>How many of the school's parents have connected, were invited, or neither: the list's counters.</summary>
    public async Task<ParentStatusCounts> CountAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*)::int, (count(*) FILTER (WHERE first_signed_in_at IS NOT NULL))::int,
                   (count(*) FILTER (WHERE first_signed_in_at IS NULL AND invited_at IS NOT NULL))::int
            FROM users WHERE school_id = @school AND role = 'parent'
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (all, connected, invited) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        return new ParentStatusCounts(all, connected, invited, all - connected - invited);
    }

    /// <summary>A child in the class, and the status as <see cref="ParentSummary.Status"/> reads it from the dates.</summary>
    const string Matching = """
        (@class = '' OR EXISTS (
            SELECT 1 FROM guardianships cg JOIN pupils cp ON cp.id = cg.pupil_id AND cp.school_id = cg.school_id
            WHERE cg.school_id = u.school_id AND cg.user_id = u.id AND cp.class_name = @class))
        AND (@status = '' OR CASE WHEN u.first_signed_in_at IS NOT NULL THEN 'Connected'
                                  WHEN u.invited_at IS NOT NULL THEN 'Invited'
                                  ELSE 'NeverInvited' END = @status)
        """;

    static void AddFilter(NpgsqlCommand command, string? className, ConnectionStatus? status)
    {
        command.Parameters.AddWithValue("class", className?.Trim() ?? "");
        command.Parameters.AddWithValue("status", status?.ToString() ?? "");
    }

    /// <summary>
    /// The parents who never connected, optionally only those with a child in <paramref name="className"/>:
    /// the people a bulk invitation is for. Someone already using the portal does not need another one.
    /// </summary>
    public async Task<IReadOnlyList<UserAccount>> NotYetConnectedAsync(Guid schoolId, string? className = null,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {AccountColumns} FROM users u
            WHERE u.school_id = @school AND u.role = 'parent' AND u.first_signed_in_at IS NULL AND u.deactivated_at IS NULL
              AND (@class = '' OR EXISTS (
                  SELECT 1 FROM guardianships g JOIN pupils p ON p.id = g.pupil_id AND p.school_id = g.school_id
                  WHERE g.school_id = u.school_id AND g.user_id = u.id AND p.class_name = @class))
            ORDER BY u.last_name, u.first_name, u.user_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("class", className?.Trim() ?? "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<UserAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(ReadAccount(reader));
        }
        return accounts;
    }

    /// <summary>
    /// <c>prenom.nom</c> as people say it: lower case, without accents, spaces or apostrophes
    /// ("Jean-Pierre", "D'Hondt" → <c>jean-pierre.dhondt</c>). Deduplication happens on insert.
    /// </summary>
    public static string UserNameFor(string firstName, string lastName) => $"{UserNamePart(firstName)}.{UserNamePart(lastName)}";

    /// <summary>A name or address made comparable: case, accents and repeated spaces do not count.</summary>
    public static string Comparable(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Trim().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (folded.Length > 0 && folded[^1] != ' ')
                {
                    folded.Append(' ');
                }
                continue;
            }
            folded.Append(char.ToLowerInvariant(c) switch
            {
                'œ' => "oe",
                'æ' => "ae",
                'ß' => "ss",
                'ø' => "o",
                'ł' => "l",
                'đ' => "d",
                var other => other.ToString(),
            });
        }
        return folded.ToString();
    }

    /// <summary>
    /// An address people can be written to: one mailbox, no display name, a dotted domain. MailAddress
    /// alone accepts "Marie &lt;m@x.be&gt;" and "m@x".
    /// </summary>
    public static bool IsEmail(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && MailAddress.TryCreate(text.Trim(), out var address)
        && address.Address == text.Trim()
        && address.Host.Contains('.') && !address.Host.EndsWith('.');

    /// <summary>
    /// Every write to a school's register of people (parent accounts, pupils, guardianships) from the school
    /// side takes this lock first: user names are deduplicated by reading then inserting, and an import is
    /// planned and applied against a register nobody else changes in between.
    /// </summary>
    internal static async Task LockRegisterAsync(NpgsqlConnection connection, Guid schoolId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(1750, hashtext(@school::text))", connection);
        command.Parameters.AddWithValue("school", schoolId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The parent account with this address and this name, if the school already has one.</summary>
    internal static async Task<UserAccount?> FindSameAsync(NpgsqlConnection connection, Guid schoolId, NewParent parent,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {AccountColumns} FROM users u
            WHERE u.school_id = @school AND u.role = 'parent' AND lower(u.email) = lower(@email)
            ORDER BY u.user_name
            """, connection);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("email", parent.Email);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var account = ReadAccount(reader);
            if (parent.IsSamePerson(account.FirstName, account.LastName, account.Email))
            {
                return account;
            }
        }
        return null;
    }

    /// <summary>Inserts a tidied, checked parent inside the caller's transaction, which holds the register lock.</summary>
    internal static Task<UserAccount> InsertAsync(NpgsqlConnection connection, Guid schoolId, NewParent parent,
        CancellationToken cancellationToken) =>
        InsertAsync(connection, schoolId, parent, Role.Parent, cancellationToken);

    /// <summary>Inserts a tidied, checked person with this role, inside a transaction that holds the register lock.</summary>
    internal static async Task<UserAccount> InsertAsync(NpgsqlConnection connection, Guid schoolId, NewParent parent, Role role,
        CancellationToken cancellationToken)
    {
        var userName = await FreeUserNameAsync(connection, schoolId, UserNameFor(parent.FirstName, parent.LastName), cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO users (id, school_id, user_name, email, first_name, last_name, role)
            VALUES (@id, @school, @user_name, @email, @first_name, @last_name, @role)
            RETURNING id, school_id, user_name, email, first_name, last_name, role, session_stamp
            """, connection);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user_name", userName);
        command.Parameters.AddWithValue("email", parent.Email);
        command.Parameters.AddWithValue("first_name", parent.FirstName);
        command.Parameters.AddWithValue("last_name", parent.LastName);
        command.Parameters.AddWithValue("role", role.ToDatabase());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadAccount(reader);
    }

    // The first of marie.dupont, marie.dupont2, marie.dupont3 … that nobody in the school has yet.
    static async Task<string> FreeUserNameAsync(NpgsqlConnection connection, Guid schoolId, string wanted, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT lower(user_name) FROM users WHERE school_id = @school AND lower(user_name) LIKE @prefix", connection))
        {
            command.Parameters.AddWithValue("school", schoolId);
            // Generated names hold only a-z, 0-9, '-' and '.', none of which LIKE treats specially.
            command.Parameters.AddWithValue("prefix", wanted + "%");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                taken.Add(reader.GetString(0));
            }
        }
        var candidate = wanted;
        for (var number = 2; taken.Contains(candidate); number++)
        {
            candidate = wanted + number.ToString(CultureInfo.InvariantCulture);
        }
        return candidate;
    }

    static string UserNamePart(string name)
    {
        var part = new StringBuilder();
        foreach (var c in Comparable(name))
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                part.Append(c);
            }
            else if (c == '-' && part.Length > 0 && part[^1] != '-')
            {
                part.Append(c);
            }
        }
        var result = part.ToString().TrimEnd('-');
        // A name in another script folds to nothing; the number added on a clash keeps such names unique.
        return result.Length == 0 ? "parent" : result[..Math.Min(result.Length, 30)].TrimEnd('-');
    }

    async Task<IReadOnlyList<ParentSummary>> SummariesAsync(Guid schoolId, Guid? userId, (string? ClassName, ConnectionStatus? Status)? filter,
        (int Limit, int Offset)? page, CancellationToken cancellationToken)
    {
        // A page is of parents, not of parent-and-child rows: the parents are chosen first, then joined.
        await using var command = db.CreateCommand($"""
            WITH chosen AS (
                SELECT u.id, u.school_id, u.user_name, u.first_name, u.last_name, u.email, u.invited_at, u.first_signed_in_at,
                       u.last_signed_in_at, u.deactivated_at
                FROM users u
                WHERE u.school_id = @school AND u.role = 'parent' AND (@user::uuid IS NULL OR u.id = @user) AND {Matching}
                ORDER BY u.last_name, u.first_name, u.user_name, u.id
                {(page is null ? "" : "LIMIT @limit OFFSET @offset")})
            SELECT u.id, u.user_name, u.first_name, u.last_name, u.email, u.invited_at, u.first_signed_in_at, u.last_signed_in_at,
                   p.id, p.first_name, p.last_name, p.class_name, u.deactivated_at
            FROM chosen u
            LEFT JOIN guardianships g ON g.user_id = u.id AND g.school_id = u.school_id
            LEFT JOIN pupils p ON p.id = g.pupil_id AND p.school_id = u.school_id
            ORDER BY u.last_name, u.first_name, u.user_name, u.id, p.first_name, p.last_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.Add(new NpgsqlParameter<Guid?>("user", userId) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        AddFilter(command, filter?.ClassName, filter?.Status);
        if (page is { Limit: var limit, Offset: var offset })
        {
            command.Parameters.AddWithValue("limit", limit);
            command.Parameters.AddWithValue("offset", offset);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parents = new List<(ParentSummary Parent, List<Pupil> Children)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (parents.Count == 0 || parents[^1].Parent.Id != id)
            {
                var children = new List<Pupil>();
                parents.Add((new ParentSummary(id, reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), OptionalDate(reader, 5), OptionalDate(reader, 6),
                    OptionalDate(reader, 7), children, OptionalDate(reader, 12)), children));
            }
            if (!reader.IsDBNull(8))
            {
                parents[^1].Children.Add(new Pupil(reader.GetGuid(8), schoolId, reader.GetString(9), reader.GetString(10), reader.GetString(11)));
            }
        }
        return parents.Select(p => p.Parent).ToList();
    }

    internal static UserAccount ReadAccount(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4), reader.GetString(5), Roles.FromDatabase(reader.GetString(6)), reader.GetGuid(7));

    internal static DateTimeOffset? OptionalDate(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}

/// <summary>A parent the school registers: the e-mail address is where the invitation goes.</summary>
public sealed record NewParent(string FirstName, string LastName, string Email)
{
    /// <summary>Surrounding and repeated spaces are typing accidents, not part of a name.</summary>
    public NewParent Tidied() => new(Tidy(FirstName), Tidy(LastName), (Email ?? "").Trim());

    public ParentProblem? Check() =>
        FirstName.Length == 0 ? ParentProblem.FirstNameMissing
        : LastName.Length == 0 ? ParentProblem.LastNameMissing
        : Email.Length == 0 ? ParentProblem.EmailMissing
        : !ParentAccounts.IsEmail(Email) ? ParentProblem.EmailInvalid
        : null;

    /// <summary>
    /// Two guardians of one family may share an address, so a parent is known by address and name together
    /// (case and accents aside).
    /// </summary>
    public bool IsSamePerson(string firstName, string lastName, string? email) =>
        ParentAccounts.Comparable(Email) == ParentAccounts.Comparable(email ?? "")
        && ParentAccounts.Comparable(FirstName) == ParentAccounts.Comparable(firstName)
        && ParentAccounts.Comparable(LastName) == ParentAccounts.Comparable(lastName);

    static string Tidy(string? text) => string.Join(' ', (text ?? "").Split(default(char[]), StringSplitOptions.RemoveEmptyEntries));
}

public enum ParentProblem
{
    FirstNameMissing,
    LastNameMissing,
    EmailMissing,
    EmailInvalid,
    AlreadyExists,
}

public enum ConnectionStatus
{
    NeverInvited,
    Invited,
    Connected,
}

/// <summary>The school's parents by connection status; <see cref="NotConnected"/> is who a bulk invitation may still be for.</summary>
public sealed record ParentStatusCounts(int All, int Connected, int Invited, int NeverInvited)
{
    public int NotConnected => All - Connected;
}

/// <summary>A parent as the school's parent list shows them.</summary>
public sealed record ParentSummary(
    Guid Id,
    string UserName,
    string FirstName,
    string LastName,
    string? Email,
    DateTimeOffset? InvitedAt,
    DateTimeOffset? FirstSignedInAt,
    DateTimeOffset? LastSignedInAt,
    IReadOnlyList<Pupil> Children,
    DateTimeOffset? DeactivatedAt = null)
{
    public string DisplayName => $"{FirstName} {LastName}";

    public ConnectionStatus Status =>
        FirstSignedInAt is not null ? ConnectionStatus.Connected
        : InvitedAt is not null ? ConnectionStatus.Invited
        : ConnectionStatus.NeverInvited;
}