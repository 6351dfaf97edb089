using Npgsql;

namespace ItSchool.PointOfSale;

public sealed record Article(string Code, string Label, long PriceCents, string? Category, bool OpenPrice);

/// <summary>The school's articles and pupils' cards, as terminals need them.</summary>
public sealed class Catalogue(NpgsqlDataSource db)
{
    public async Task<IReadOnlyDictionary<string, Article>> ArticlesAsync(Guid schoolId, IEnumerable<string> codes,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT code, label, price_cents, category, open_price FROM pos_articles
            WHERE school_id = @school AND active AND code = ANY(@codes)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("codes", codes.Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var articles = new Dictionary<string, Article>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles[reader.GetString(0)] = new Article(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4));
        }
        return articles;
    }

    /// <summary>The school's active articles, by category and label, for the till's grid.</summary>
    public async Task<IReadOnlyList<Article>> AllArticlesAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT code, label, price_cents, category, open_price FROM pos_articles
            WHERE school_id = @school AND active AND NOT open_price ORDER BY category NULLS LAST, label
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var articles = new List<Article>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles.Add(new Article(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
        }
        return articles;
    }

    /// <summary>The pupil (id, first name) holding this card in this school, or null for an unknown or revoked card.</summary>
    public async Task<(Guid PupilId, string FirstName)?> CardHolderAsync(Guid schoolId, string uid, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.first_name FROM pupil_cards c JOIN pupils p ON p.id = c.pupil_id
            WHERE c.school_id = @school AND upper(c.uid) = upper(@uid) AND c.revoked_at IS NULL
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("uid", uid.Trim());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }
}