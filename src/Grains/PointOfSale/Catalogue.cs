using Npgsql;

namespace ItSchool.PointOfSale;

public sealed record Article(string Code, string Label, long PriceCents, string? Category, bool OpenPrice);

/// <summary>The school's articles and pupils' cards, for the till, the card lookup and the manager.</summary>
public sealed class Catalogue(NpgsqlDataSource db)
{
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

    /// <summary>Every article of the school, active or not, for the manager.</summary>
    public async Task<IReadOnlyList<(Article Article, bool Active)>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT code, label, price_cents, category, open_price, active FROM pos_articles WHERE school_id = @school ORDER BY category NULLS LAST, label");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var articles = new List<(Article, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles.Add((new Article(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetBoolean(4)), reader.GetBoolean(5)));
        }
        return articles;
    }

    /// <summary>Creates or updates articles by code, all in one transaction (a CSV import is all or nothing).</summary>
    public async Task SaveAsync(Guid schoolId, IReadOnlyList<(Article Article, bool Active)> articles, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO pos_articles (school_id, code, label, price_cents, category, open_price, active)
            SELECT @school, a.code, a.label, a.price, nullif(a.category, ''), a.open, a.active
            FROM unnest(@codes, @labels, @prices, @categories, @opens, @actives) AS a(code, label, price, category, open, active)
            ON CONFLICT (school_id, code) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents,
                category = excluded.category, open_price = excluded.open_price, active = excluded.active
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("codes", articles.Select(a => a.Article.Code).ToArray());
        command.Parameters.AddWithValue("labels", articles.Select(a => a.Article.Label).ToArray());
        command.Parameters.AddWithValue("prices", articles.Select(a => a.Article.PriceCents).ToArray());
        command.Parameters.AddWithValue("categories", articles.Select(a => a.Article.Category ?? "").ToArray());
        command.Parameters.AddWithValue("opens", articles.Select(a => a.Article.OpenPrice).ToArray());
        command.Parameters.AddWithValue("actives", articles.Select(a => a.Active).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
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