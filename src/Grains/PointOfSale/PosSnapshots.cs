using System.Collections.Concurrent;
using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>
/// What a node keeps in memory to price a sale without a round trip first: per school, its articles and its active cards with
/// their holders' first names, as of a version of the school (<c>pos_versions</c>, moved by triggers with every change).
/// Nothing here is trusted on its own: a sale priced from a snapshot carries its version into the debit's commit, where
/// the answer's insert refuses to be written if the school moved on (<see cref="SaleAnswered"/>); the poster then forgets the
/// snapshot and prices the sale from the database. So a replaced card, a new price or a withdrawn article holds from the
/// next sale on every node, without any node having to hear of it first.
/// </summary>
public sealed class PosSnapshots(NpgsqlDataSource db)
{
    public sealed record Snapshot(long Version, IReadOnlyDictionary<string, Article> Articles,
        IReadOnlyDictionary<string, (Guid PupilId, string FirstName)> Cards)
    {
        /// <summary>The card's holder; UIDs are kept in capitals, as the card index compares them.</summary>
        public (Guid PupilId, string FirstName)? Holder(string? cardUid) =>
            cardUid?.Trim() is { Length: > 0 } uid && Cards.TryGetValue(uid.ToUpperInvariant(), out var holder) ? holder : null;
    }

    readonly ConcurrentDictionary<Guid, Lazy<Task<Snapshot>>> schools = new();

    public async Task<Snapshot> OfAsync(Guid schoolId)
    {
        var loading = schools.GetOrAdd(schoolId, id => new Lazy<Task<Snapshot>>(() => LoadAsync(id)));
        try
        {
            return await loading.Value;
        }
        catch
        {
            schools.TryRemove(new KeyValuePair<Guid, Lazy<Task<Snapshot>>>(schoolId, loading));
            throw;
        }
    }

    /// <summary>The school was read at <paramref name="version"/>: an older snapshot of it is dropped, to be read again at its next sale.</summary>
    public void Seen(Guid schoolId, long version)
    {
        if (schools.TryGetValue(schoolId, out var loading) && loading.IsValueCreated && loading.Value.IsCompletedSuccessfully
            && loading.Value.Result.Version < version)
        {
            schools.TryRemove(new KeyValuePair<Guid, Lazy<Task<Snapshot>>>(schoolId, loading));
        }
    }

    async Task<Snapshot> LoadAsync(Guid schoolId)
    {
        // The version is read first, in its own statement: rows newer than it only make the snapshot look older than it is,
        // which costs one sale a second pricing, never a sale priced from what changed.
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT coalesce((SELECT version FROM pos_versions WHERE school_id = @school), 0)")
        {
            Parameters = { new("school", schoolId) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {Catalogue.Columns} FROM pos_articles WHERE school_id = @school")
        {
            Parameters = { new("school", schoolId) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT upper(c.uid), p.id, p.first_name
            FROM pupil_cards c JOIN pupils p ON p.id = c.pupil_id
            WHERE c.school_id = @school AND c.revoked_at IS NULL
            """)
        {
            Parameters = { new("school", schoolId) },
        });
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var version = reader.GetInt64(0);
        await reader.NextResultAsync();
        var articles = new Dictionary<string, Article>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var article = Catalogue.Read(reader);
            articles[article.Code] = article;
        }
        await reader.NextResultAsync();
        var cards = new Dictionary<string, (Guid, string)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            cards[reader.GetString(0)] = (reader.GetGuid(1), reader.GetString(2));
        }
        return new Snapshot(version, articles, cards);
    }
}