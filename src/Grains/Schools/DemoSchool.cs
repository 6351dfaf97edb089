using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Schools;

/// <summary>
/// "École de démo", created on the first start of an empty database so that a newcomer can walk through
/// the product at once. The accounts and password are listed in the README.
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

        var pupilIds = new List<Guid>();
        foreach (var (firstName, lastName, className, guardians) in Pupils)
        {
            var pupilId = Guid.CreateVersion7();
            pupilIds.Add(pupilId);
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

        var canteenSales = await DemoWallets.SeedAsync(connection, Id, pupilIds, DateTimeOffset.UtcNow, cancellationToken);
        await DemoPos.SeedAsync(connection, Id, pupilIds, canteenSales, DateTimeOffset.UtcNow, cancellationToken);
        await BankStatements.DemoBankStatements.SeedAsync(connection, Id, DateTimeOffset.UtcNow, cancellationToken);
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