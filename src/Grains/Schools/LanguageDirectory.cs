using System.Globalization;
using Npgsql;

namespace ItSchool.Schools;

/// <summary>
/// Who reads which language: a person's own choice (users.language), else their school's
/// (schools.default_language, when its operator chose one), else French. Pages learn it from the session cookie; mails, written without a request, from here.
/// </summary>
public sealed class LanguageDirectory(NpgsqlDataSource db)
{
    /// <summary>The supported culture of that name (fr-BE, nl-BE, en-BE), or null for anything else.</summary>
    public static CultureInfo? Supported(string? name) =>
        SchoolTime.Cultures.FirstOrDefault(culture => string.Equals(culture.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A person's culture: their own choice, else their school's, else fr-BE.</summary>
    public static CultureInfo Of(string? person, string? school) => Supported(person) ?? Supported(school) ?? SchoolTime.Culture;

    /// <summary>Stores the person's language; null goes back to the school's. False when the name is not supported or the account unknown.</summary>
    public async Task<bool> SetUserLanguageAsync(Guid schoolId, Guid userId, string? language, CancellationToken cancellationToken = default)
    {
        if (language is not null && Supported(language) is null)
        {
            return false;
        }
        await using var command = db.CreateCommand("UPDATE users SET language = @language WHERE school_id = @school AND id = @id");
        command.Parameters.Add(new NpgsqlParameter("language", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Supported(language)?.Name ?? DBNull.Value });
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Stores the school's language; null: none chosen (the reader's browser decides). False when the name is not supported or the school unknown.</summary>
    public async Task<bool> SetSchoolLanguageAsync(Guid schoolId, string? language, CancellationToken cancellationToken = default)
    {
        if (language is not null && Supported(language) is null)
        {
            return false;
        }
        await using var command = db.CreateCommand("UPDATE schools SET default_language = @language WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter("language", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Supported(language)?.Name ?? DBNull.Value });
        command.Parameters.AddWithValue("id", schoolId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// The languages of every person who chose one, and every school's, in one read: a mail job then knows each
    /// recipient's language without a query per mail. Only one school's when <paramref name="schoolId"/> is given.
    /// </summary>
    public async Task<RecipientLanguages> RecipientsAsync(Guid? schoolId = null, CancellationToken cancellationToken = default)
    {
        var schools = new Dictionary<Guid, CultureInfo>();
        var users = new Dictionary<Guid, CultureInfo>();
        var addresses = new Dictionary<(Guid, string), CultureInfo>();
        var filter = schoolId is null ? "" : " AND school_id = @school";
        await using var command = db.CreateCommand($"""
            SELECT id, NULL, default_language, NULL FROM schools WHERE true{filter.Replace("school_id", "id")}
            UNION ALL
            SELECT id, school_id, language, lower(email) FROM users WHERE language IS NOT NULL{filter}
            """);
        if (schoolId is { } id)
        {
            command.Parameters.AddWithValue("school", id);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var culture = Supported(reader.IsDBNull(2) ? null : reader.GetString(2)) ?? SchoolTime.Culture;
            if (reader.IsDBNull(1))
            {
                schools[reader.GetGuid(0)] = culture;
                continue;
            }
            users[reader.GetGuid(0)] = culture;
            if (!reader.IsDBNull(3))
            {
                // Guardians may share an address: the first one's choice holds for a mail sent to it.
                addresses.TryAdd((reader.GetGuid(1), reader.GetString(3)), culture);
            }
        }
        return new RecipientLanguages(schools, users, addresses);
    }
}

/// <summary>Each recipient's culture: their own choice, else their school's, else the installation's (fr-BE).</summary>
public sealed class RecipientLanguages(
    IReadOnlyDictionary<Guid, CultureInfo> schools, IReadOnlyDictionary<Guid, CultureInfo> users,
    IReadOnlyDictionary<(Guid, string), CultureInfo> addresses)
{
    public CultureInfo OfSchool(Guid schoolId) => schools.GetValueOrDefault(schoolId) ?? SchoolTime.Culture;

    public CultureInfo OfUser(Guid schoolId, Guid userId) => users.GetValueOrDefault(userId) ?? OfSchool(schoolId);

    /// <summary>For a mail known by its address only (an invoice's recipients).</summary>
    public CultureInfo OfAddress(Guid schoolId, string address) =>
        addresses.GetValueOrDefault((schoolId, address.Trim().ToLowerInvariant())) ?? OfSchool(schoolId);
}