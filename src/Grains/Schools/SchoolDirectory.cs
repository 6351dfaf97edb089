using System.Collections.Concurrent;
using Npgsql;

namespace ItSchool.Schools;

/// <summary>
/// Resolves a request's school by slug or host. Every request needs this, and schools are few and
/// rarely change, so answers are cached for a short while.
/// </summary>
public sealed class SchoolDirectory(NpgsqlDataSource db, TimeProvider clock)
{
    static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    readonly ConcurrentDictionary<string, (School? School, DateTimeOffset Expires)> cache = new();

    public Task<School?> FindBySlugAsync(string slug, CancellationToken cancellationToken = default) =>
        CachedAsync("slug:" + slug.ToLowerInvariant(), "slug = @value", slug.ToLowerInvariant(), cancellationToken);

    public Task<School?> FindByHostAsync(string host, CancellationToken cancellationToken = default) =>
        CachedAsync("host:" + host.ToLowerInvariant(), "host = @value", host.ToLowerInvariant(), cancellationToken);

    public async Task<IReadOnlyList<School>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT id, slug, name, host FROM schools ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schools = new List<School>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schools.Add(Read(reader));
        }
        return schools;
    }

    async Task<School?> CachedAsync(string key, string condition, string value, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(key, out var hit) && hit.Expires > now)
        {
            return hit.School;
        }
        await using var command = db.CreateCommand($"SELECT id, slug, name, host FROM schools WHERE {condition}");
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var school = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        cache[key] = (school, now + CacheLifetime);
        return school;
    }

    static School Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
}