using ItSchool.Accounts;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Schools;

/// <summary>
/// "École de démo", created on the first start of an empty database so that a newcomer can walk through
/// the product at once. The accounts and password are listed in the README. This writes what every school has
/// (the school, its accounts, pupils and guardians); each feature adds its own demo data once the cluster runs
/// (<c>Feature.SeedDemoAsync</c>).
/// </summary>
public static class DemoSchool
{
    public const string Slug = "demo";
    public const string Host = "demo.localhost";
    public const string Password = "Demo-2026!";

    public static readonly Guid Id = new("d3e0d3e0-0000-4000-8000-000000000001");

    public sealed record DemoAccount(string UserName, string FirstName, string LastName, Role Role, string Email);

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("amelie.lefevre", "Amélie", "Lefèvre", Role.Parent, "amelie.lefevre@example.be"),
        new("pierre.lefevre", "Pierre", "Lefèvre", Role.Parent, "pierre.lefevre@example.be"),
        new("marc.dubois", "Marc", "Dubois", Role.Parent, "marc.dubois@example.be"),
        new("sophie.martin", "Sophie", "Martin", Role.Teacher, "sophie.martin@demo.example.be"),
        new("julien.peeters", "Julien", "Peeters", Role.Teacher, "julien.peeters@demo.example.be"),
        new("claire.dupont", "Claire", "Dupont", Role.Manager, "direction@demo.example.be"),
        new("karim.benali", "Karim", "Benali", Role.Canteen, "cantine@demo.example.be"),
    ];

    // Benoît and Lucas have two guardians, each with an account of their own.
    static readonly (string FirstName, string LastName, string ClassName, string[] Guardians)[] Pupils =
    [
        ("Benoît", "Lefèvre", "6A", ["amelie.lefevre", "pierre.lefevre"]),
        ("Lucas", "Lefèvre", "4B", ["amelie.lefevre", "pierre.lefevre"]),
        ("Geneviève", "Lefèvre", "1C", ["amelie.lefevre"]),
        ("Chloé", "Dubois", "4B", ["marc.dubois"]),
    ];

    /// <summary>
    /// The demo pupils' ids in the order of <see cref="Pupils"/> (the features' demo data follows that order: the
    /// wallets' history draws pupil after pupil, the canteen's cards are listed by it in the README).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> PupilIdsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var query = new NpgsqlCommand("""
            SELECT p.id FROM unnest(@first_names, @last_names) WITH ORDINALITY AS d(first_name, last_name, n)
            JOIN pupils p ON p.school_id = @school AND p.first_name = d.first_name AND p.last_name = d.last_name
            ORDER BY d.n
            """, connection);
        query.Parameters.AddWithValue("school", Id);
        query.Parameters.AddWithValue("first_names", Pupils.Select(p => p.FirstName).ToArray());
        query.Parameters.AddWithValue("last_names", Pupils.Select(p => p.LastName).ToArray());
        var ids = new List<Guid>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>
    /// For a feature's demo seed, within its transaction: waits for any other seed of the demo school (its row is
    /// locked until the commit) and answers whether to write, i.e. the demo school exists and
    /// <paramref name="alreadySeeded"/> (an EXISTS over the feature's data, with <c>@school</c>) is false.
    /// </summary>
    public static async Task<bool> LockForSeedAsync(NpgsqlConnection connection, string alreadySeeded, CancellationToken cancellationToken)
    {
        await using var school = new NpgsqlCommand("SELECT 1 FROM schools WHERE id = @school FOR UPDATE", connection);
        school.Parameters.AddWithValue("school", Id);
        if (await school.ExecuteScalarAsync(cancellationToken) is null)
        {
            return false;
        }
        await using var done = new NpgsqlCommand(alreadySeeded, connection);
        done.Parameters.AddWithValue("school", Id);
        return !(bool)(await done.ExecuteScalarAsync(cancellationToken))!;
    }

    // Seeding and migrations never run at the same time in two processes; this lock keeps two first
    // starts from both finding the database empty.
    const long AdvisoryLockKey = 0x1750_5C00_0002;

    /// <summary>Creates the demo school if, and only if, the installation has no school at all.</summary>
    public static async Task<bool> SeedIfEmptyAsync(NpgsqlDataSource db, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_xact_lock(@key)", ("key", AdvisoryLockKey));
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM schools)", connection))
        {
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        await Execute(connection, """
            INSERT INTO schools (id, slug, name, host, postal_address, enterprise_number)
            VALUES (@id, @slug, @name, @host, @address, @enterprise)
            """,
            ("id", Id), ("slug", Slug), ("name", "École de démo"), ("host", Host),
            ("address", "Rue de l'Exemple 12, 1000 Bruxelles"), ("enterprise", "0123.456.749"));

        var userIds = new Dictionary<string, Guid>();
        var passwordHash = PasswordHash.Create(Password);
        foreach (var account in Accounts)
        {
            var id = Guid.CreateVersion7();
            userIds[account.UserName] = id;
            await Execute(connection, """
                INSERT INTO users (id, school_id, user_name, email, first_name, last_name, role, password_hash)
                VALUES (@id, @school, @user_name, @email, @first_name, @last_name, @role, @hash)
                """,
                ("id", id), ("school", Id), ("user_name", account.UserName), ("email", account.Email),
                ("first_name", account.FirstName), ("last_name", account.LastName), ("role", account.Role.ToDatabase()),
                ("hash", passwordHash));
        }

        foreach (var (firstName, lastName, className, guardians) in Pupils)
        {
            var pupilId = Guid.CreateVersion7();
            await Execute(connection, """
                INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
                VALUES (@id, @school, @first_name, @last_name, @class_name)
                """,
                ("id", pupilId), ("school", Id), ("first_name", firstName), ("last_name", lastName), ("class_name", className));
            foreach (var guardian in guardians)
            {
                await Execute(connection, "INSERT INTO guardianships (school_id, user_id, pupil_id) VALUES (@school, @user, @pupil)",
                    ("school", Id), ("user", userIds[guardian]), ("pupil", pupilId));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Seeded the demo school \"École de démo\" ({Slug})", Slug);
        return true;

        async Task Execute(NpgsqlConnection c, string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, c);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}