using System.Collections.Concurrent;
using Npgsql;

namespace ItSchool.Schools;

/// <summary>
/// Resolves a request's school by slug, host or id. Every request needs this, and an installation holds a
/// few hundred schools at most, so the whole list is kept in memory and read again every half minute.
/// A name that is not in the list is looked up in the database, so a school created on another node is found
/// at once; its absence is remembered until the next read (so a name asked for just before its school was
/// created elsewhere resolves within half a minute), and the installation's own address, which every terminal
/// posts its sales to, costs no query per request. At most
/// <see cref="MaxRememberedMisses"/> absences are remembered: a flood of invented host names costs no memory.
/// </summary>
public sealed class SchoolDirectory(NpgsqlDataSource db, TimeProvider clock)
{
    static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    const int MaxRememberedMisses = 256;

    readonly SemaphoreSlim reload = new(1, 1);
    volatile Snapshot? snapshot;

    sealed record Snapshot(
        IReadOnlyDictionary<Guid, School> ById, IReadOnlyDictionary<string, School> BySlug,
        IReadOnlyDictionary<string, School> ByHost, DateTimeOffset LoadedAt)
    {
        public readonly ConcurrentDictionary<string, bool> Misses = new();
    }

    public Task<School?> FindBySlugAsync(string slug, CancellationToken cancellationToken = default) =>
        FindAsync(s => s.BySlug.GetValueOrDefault(slug.ToLowerInvariant()), "slug = @value", slug.ToLowerInvariant(), cancellationToken);

    public Task<School?> FindByHostAsync(string host, CancellationToken cancellationToken = default) =>
        FindAsync(s => s.ByHost.GetValueOrDefault(host.ToLowerInvariant()), "host = @value", host.ToLowerInvariant(), cancellationToken);

    public Task<School?> FindByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindAsync(s => s.ById.GetValueOrDefault(id), "id = @value", id, cancellationToken);

    public async Task<IReadOnlyList<School>> ListAsync(CancellationToken cancellationToken = default)
    {
        var current = await CurrentAsync(cancellationToken);
        return [.. current.ById.Values.OrderBy(s => s.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>After this node changed a school (created, suspended, reopened): read them again at the next request.</summary>
    public void Forget() => snapshot = null;

    async Task<School?> FindAsync(Func<Snapshot, School?> find, string condition, object value, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        if (find(current) is { } school)
        {
            return school;
        }
        var miss = $"{condition}{value}";
        if (current.Misses.ContainsKey(miss))
        {
            return null;
        }
        await using var command = db.CreateCommand($"SELECT EXISTS (SELECT 1 FROM schools WHERE {condition})");
        command.Parameters.AddWithValue("value", value);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            if (current.Misses.Count < MaxRememberedMisses)
            {
                current.Misses.TryAdd(miss, true);
            }
            return null;
        }
        // Created since the list was read (perhaps by another node).
        Forget();
        return find(await CurrentAsync(cancellationToken));
    }

    async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < Lifetime)
        {
            return current;
        }
        await reload.WaitAsync(cancellationToken);
        try
        {
            current = snapshot;
            if (current is not null && clock.GetUtcNow() - current.LoadedAt < Lifetime)
            {
                return current;
            }
            snapshot = current = await LoadAsync(cancellationToken);
            return current;
        }
        finally
        {
            reload.Release();
        }
    }

    async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var loadedAt = clock.GetUtcNow();
        await using var command = db.CreateCommand("SELECT id, slug, name, host, suspended_at IS NOT NULL, default_language FROM schools");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schools = new List<School>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schools.Add(new School(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return new Snapshot(
            schools.ToDictionary(s => s.Id),
            schools.ToDictionary(s => s.Slug),
            schools.Where(s => s.Host is not null).ToDictionary(s => s.Host!),
            loadedAt);
    }
}