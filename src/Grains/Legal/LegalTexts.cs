using Npgsql;

namespace ItSchool.Legal;

/// <summary>
/// The schools' published terms and privacy policies, and the parents' acceptances of the terms. Both are
/// append-only (0075_legal.sql): publishing is a new version; accepting is a new row.
/// </summary>
public sealed class LegalTexts(NpgsqlDataSource db)
{
    /// <summary>The most texts a version may hold per language: a long policy is a few thousand words.</summary>
    public const int MaxLength = 50_000;

    /// <summary>The version in force, or null while the school has published none (readers then see the default text).</summary>
    public async Task<LegalVersion?> CurrentAsync(Guid schoolId, LegalKind kind, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT version, published_at, text_fr, text_nl, text_en FROM legal_versions
            WHERE school_id = @school AND kind = @kind ORDER BY version DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("kind", kind.Code());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var texts = new Dictionary<string, string>();
        for (var i = 0; i < LegalVersion.Languages.Count; i++)
        {
            if (!reader.IsDBNull(2 + i))
            {
                texts[LegalVersion.Languages[i]] = reader.GetString(2 + i);
            }
        }
        return new LegalVersion(kind, reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), texts);
    }

    /// <summary>Every version, newest first, with who published it and how many parents accepted it.</summary>
    public async Task<IReadOnlyList<LegalVersionSummary>> HistoryAsync(Guid schoolId, LegalKind kind, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT v.version, v.published_at, u.first_name || ' ' || u.last_name,
                   (SELECT count(*) FROM legal_acceptances a
                    WHERE a.school_id = v.school_id AND a.kind = v.kind AND a.version = v.version)::int
            FROM legal_versions v JOIN users u ON u.id = v.published_by
            WHERE v.school_id = @school AND v.kind = @kind ORDER BY v.version DESC
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("kind", kind.Code());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<LegalVersionSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new LegalVersionSummary(reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetInt32(3)));
        }
        return versions;
    }

    /// <summary>
    /// Publishes <paramref name="texts"/> (language → text; at least one, none empty or longer than
    /// <see cref="MaxLength"/>, checked by the caller) as the next version, and returns its number.
    /// </summary>
    public async Task<int> PublishAsync(Guid schoolId, LegalKind kind, IReadOnlyDictionary<string, string> texts, Guid managerId,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Two managers publishing at once both read the same last number: the primary key refuses the second
        // insert, which then takes the following number.
        while (true)
        {
            await using var command = db.CreateCommand("""
                INSERT INTO legal_versions (school_id, kind, version, text_fr, text_nl, text_en, published_at, published_by)
                SELECT @school, @kind, coalesce(max(version), 0) + 1, @fr, @nl, @en, @now, @manager
                FROM legal_versions WHERE school_id = @school AND kind = @kind
                ON CONFLICT DO NOTHING
                RETURNING version
                """);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("kind", kind.Code());
            foreach (var language in LegalVersion.Languages)
            {
                command.Parameters.AddWithValue(language, texts.TryGetValue(language, out var text) ? text : DBNull.Value);
            }
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("manager", managerId);
            if (await command.ExecuteScalarAsync(cancellationToken) is int version)
            {
                return version;
            }
        }
    }

    /// <summary>
    /// The version of the terms <paramref name="userId"/> still has to accept: the current one when the school
    /// published terms and this person has not accepted that version; otherwise null.
    /// </summary>
    public async Task<int?> TermsToAcceptAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(TermsToAccept(schoolId, userId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadTermsToAcceptAsync(reader, cancellationToken);
    }

    /// <summary><see cref="TermsToAcceptAsync"/> as one command of the batch a parent's request starts with.</summary>
    public static NpgsqlBatchCommand TermsToAccept(Guid schoolId, Guid userId)
    {
        // Only the newest version counts: an older one a parent never saw is not asked for afterwards.
        var command = new NpgsqlBatchCommand("""
            SELECT v.version FROM (SELECT max(version) AS version FROM legal_versions WHERE school_id = @school AND kind = 'terms') v
            WHERE v.version IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM legal_acceptances a WHERE a.user_id = @user AND a.kind = 'terms' AND a.version = v.version)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        return command;
    }

    public static async Task<int?> ReadTermsToAcceptAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : null;

    /// <summary>
    /// Records that <paramref name="userId"/> accepted <paramref name="version"/> of the school's terms, once:
    /// accepting again keeps the first moment. False when the school has no such version.
    /// </summary>
    public async Task<bool> AcceptTermsAsync(Guid schoolId, Guid userId, int version, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO legal_acceptances (school_id, kind, version, user_id, accepted_at)
            SELECT school_id, kind, version, @user, @now FROM legal_versions
            WHERE school_id = @school AND kind = 'terms' AND version = @version
            ON CONFLICT DO NOTHING
            RETURNING 1
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is not null
            || await AcceptedAtAsync(schoolId, userId, version, cancellationToken) is not null;
    }

    /// <summary>When <paramref name="userId"/> accepted <paramref name="version"/> of the terms, if they did.</summary>
    public async Task<DateTimeOffset?> AcceptedAtAsync(Guid schoolId, Guid userId, int version, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT accepted_at FROM legal_acceptances
            WHERE school_id = @school AND user_id = @user AND kind = 'terms' AND version = @version
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime moment ? new DateTimeOffset(moment, TimeSpan.Zero) : null;
    }

    /// <summary>The demo school's parents accepted its first version when it was seeded, so the demo opens on the dashboard.</summary>
    public async Task AcceptForEveryParentAsync(Guid schoolId, int version, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO legal_acceptances (school_id, kind, version, user_id, accepted_at)
            SELECT @school, 'terms', @version, id, @now FROM users WHERE school_id = @school AND role = 'parent'
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The school's first manager, who signs the demo's published versions.</summary>
    public async Task<Guid?> FirstManagerAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id FROM users WHERE school_id = @school AND role = 'manager' ORDER BY created_at, id LIMIT 1");
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }
}