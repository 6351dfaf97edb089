using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Operators;

/// <summary>A new school as the operator types it: its address, optional bank account, and its first manager.</summary>
public sealed record NewSchool(
    Guid Id, string Name, string Slug, string? Host, string? PostalAddress, string? EnterpriseNumber,
    string? Iban, string? Bic, string? Beneficiary, NewParent Manager);

public enum SchoolProblem
{
    NameMissing,
    NameTooLong,
    SlugInvalid,
    SlugTaken,
    HostInvalid,
    HostTaken,
    AddressTooLong,
    EnterpriseNumberInvalid,
    IbanInvalid,
    BicInvalid,
    BeneficiaryTooLong,
    ManagerFirstNameMissing,
    ManagerLastNameMissing,
    ManagerEmailMissing,
    ManagerEmailInvalid,
}

/// <summary>A school as the operator's list shows it: no pupil, no parent, only the school itself.</summary>
public sealed record OperatedSchool(
    Guid Id, string Name, string Slug, string? Host, string? PostalAddress, string? EnterpriseNumber,
    DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt);

/// <summary>
/// The operator's side of schools: creating one with its first manager in one transaction, suspending and
/// reopening it. Nothing is ever deleted: a suspended school keeps every row.
/// </summary>
public sealed partial class OperatedSchools(NpgsqlDataSource db, TimeProvider clock)
{
    public const int NameMaxLength = 120;
    public const int AddressMaxLength = 300;
    const long AdvisoryLockKey = 0x1750_5C00_0055;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")]
    private static partial Regex BicPattern();

    /// <summary>
    /// Checks everything, then creates the school, its general compartment, its bank settings and its first
    /// manager together. The form's id makes a second submit of the same form find the school it created.
    /// </summary>
    public async Task<(School? School, UserAccount? Manager, SchoolProblem? Problem)> CreateAsync(NewSchool request,
        bool onlinePaymentsAvailable, CancellationToken cancellationToken = default)
    {
        var name = (request.Name ?? "").Trim();
        var slug = (request.Slug ?? "").Trim().ToLowerInvariant();
        var host = string.IsNullOrWhiteSpace(request.Host) ? null : request.Host.Trim().TrimEnd('.').ToLowerInvariant();
        var address = string.IsNullOrWhiteSpace(request.PostalAddress) ? null : request.PostalAddress.Trim();
        var enterprise = string.IsNullOrWhiteSpace(request.EnterpriseNumber) ? null : EnterpriseNumber.Normalize(request.EnterpriseNumber);
        var iban = string.IsNullOrWhiteSpace(request.Iban) ? null : Iban.Normalize(request.Iban);
        var bic = string.IsNullOrWhiteSpace(request.Bic) ? null : request.Bic.Trim().ToUpperInvariant();
        var beneficiary = string.IsNullOrWhiteSpace(request.Beneficiary) ? null : request.Beneficiary.Trim();
        var manager = request.Manager.Tidied();

        SchoolProblem? problem =
            name.Length == 0 ? SchoolProblem.NameMissing
            : name.Length > NameMaxLength ? SchoolProblem.NameTooLong
            : !SlugPattern().IsMatch(slug) ? SchoolProblem.SlugInvalid
            : host is not null && (!HostPattern().IsMatch(host)) ? SchoolProblem.HostInvalid
            : address?.Length > AddressMaxLength ? SchoolProblem.AddressTooLong
            : !string.IsNullOrWhiteSpace(request.EnterpriseNumber) && enterprise is null ? SchoolProblem.EnterpriseNumberInvalid
            : !string.IsNullOrWhiteSpace(request.Iban) && iban is null ? SchoolProblem.IbanInvalid
            : bic is not null && !BicPattern().IsMatch(bic) ? SchoolProblem.BicInvalid
            : beneficiary?.Length > NameMaxLength ? SchoolProblem.BeneficiaryTooLong
            : manager.Check() switch
            {
                ParentProblem.FirstNameMissing => SchoolProblem.ManagerFirstNameMissing,
                ParentProblem.LastNameMissing => SchoolProblem.ManagerLastNameMissing,
                ParentProblem.EmailMissing => SchoolProblem.ManagerEmailMissing,
                ParentProblem.EmailInvalid => SchoolProblem.ManagerEmailInvalid,
                _ => manager.FirstName.Length > 100 || manager.LastName.Length > 100 ? SchoolProblem.ManagerFirstNameMissing : null,
            };
        if (problem is not null)
        {
            return (null, null, problem);
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Two submits of one form (or two operators choosing one address) wait for each other here.
        await using (var serialize = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection))
        {
            serialize.Parameters.AddWithValue("key", AdvisoryLockKey);
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var same = new NpgsqlCommand("SELECT id = @id, slug = @slug FROM schools WHERE id = @id OR slug = @slug OR host = @host", connection))
        {
            same.Parameters.AddWithValue("id", request.Id);
            same.Parameters.AddWithValue("slug", slug);
            same.Parameters.AddWithValue("host", (object?)host ?? DBNull.Value);
            await using var reader = await same.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(0))
                {
                    // The same form again (a double click): what the first submit created.
                    await reader.DisposeAsync();
                    return (await FindAsync(connection, request.Id, cancellationToken), null, null);
                }
                problem = reader.GetBoolean(1) ? SchoolProblem.SlugTaken : SchoolProblem.HostTaken;
            }
        }
        if (problem is not null)
        {
            return (null, null, problem);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO schools (id, slug, name, host, postal_address, enterprise_number, created_at)
            VALUES (@id, @slug, @name, @host, @address, @enterprise, @now);
            INSERT INTO wallet_settings (school_id, iban, bic, beneficiary, online_enabled) VALUES (@id, @iban, @bic, @beneficiary, @online);
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@id, 1, 'Portefeuille général', 0);
            INSERT INTO invoice_settings (school_id, online_enabled) VALUES (@id, @online);
            """, connection))
        {
            insert.Parameters.AddWithValue("id", request.Id);
            insert.Parameters.AddWithValue("slug", slug);
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("host", (object?)host ?? DBNull.Value);
            insert.Parameters.AddWithValue("address", (object?)address ?? DBNull.Value);
            insert.Parameters.AddWithValue("enterprise", (object?)enterprise ?? DBNull.Value);
            insert.Parameters.AddWithValue("iban", (object?)iban ?? DBNull.Value);
            insert.Parameters.AddWithValue("bic", (object?)bic ?? DBNull.Value);
            insert.Parameters.AddWithValue("beneficiary", (object?)beneficiary ?? DBNull.Value);
            insert.Parameters.AddWithValue("online", onlinePaymentsAvailable);
            insert.Parameters.AddWithValue("now", clock.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        var account = await ParentAccounts.InsertAsync(connection, request.Id, manager, Role.Manager, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (new School(request.Id, slug, name, host), account, null);
    }

    public async Task<IReadOnlyList<OperatedSchool>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(Select + " ORDER BY s.name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schools = new List<OperatedSchool>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schools.Add(Read(reader));
        }
        return schools;
    }

    public async Task<OperatedSchool?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(Select + " WHERE s.id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Suspends or reopens; true when the school exists. Doing it twice changes nothing more.</summary>
    public async Task<bool> SetSuspendedAsync(Guid id, bool suspended, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(suspended
            ? "UPDATE schools SET suspended_at = coalesce(suspended_at, @now) WHERE id = @id"
            : "UPDATE schools SET suspended_at = NULL WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    const string Select = """
        SELECT s.id, s.name, s.slug, s.host, s.postal_address, s.enterprise_number, s.created_at, s.suspended_at
        FROM schools s
        """;

    static OperatedSchool Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));

    static async Task<School?> FindAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id, slug, name, host FROM schools WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new School(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }
}

/// <summary>The Belgian enterprise number (numéro BCE/KBO): ten digits, the last two 97 minus the first eight mod 97.</summary>
public static class EnterpriseNumber
{
    /// <summary>As printed (<c>0123.456.749</c>), or null if it is not a valid one.</summary>
    public static string? Normalize(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 9)
        {
            digits = "0" + digits;
        }
        if (digits.Length != 10 || digits[0] is not ('0' or '1') || (text ?? "").Any(c => char.IsLetter(c) && c is not ('B' or 'E' or 'b' or 'e')))
        {
            return null;
        }
        var body = long.Parse(digits[..8]);
        return 97 - body % 97 == long.Parse(digits[8..]) ? $"{digits[..4]}.{digits[4..7]}.{digits[7..]}" : null;
    }
}