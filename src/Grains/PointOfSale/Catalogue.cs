using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>
/// An article of the school's catalogue. The code is what terminals send and never changes; a withdrawn
/// article (not <see cref="Active"/>) stays in the catalogue, off the till and refused for new sales.
/// </summary>
public sealed record Article(string Code, string Label, long PriceCents, string? Category, bool OpenPrice, bool Active = true)
{
    // The forms' maxlength attributes read these, so the page and the server never disagree.
    public const int MaxCodeLength = 30;
    public const int MaxLabelLength = 80;
    public const int MaxCategoryLength = 40;
    public const long MaxPriceCents = 100_000;

    /// <summary>Trimmed, the code in capitals, no empty category; an open-price article keeps no price of its own.</summary>
    public Article Normalized() => this with
    {
        Code = Code.Trim().ToUpperInvariant(),
        Label = Label.Trim(),
        Category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim(),
        PriceCents = OpenPrice ? 0 : PriceCents,
    };

    /// <summary>What is wrong with this (normalized) article, or null.</summary>
    public ArticleProblem? Check() =>
        Code.Length is 0 or > MaxCodeLength || !Code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? ArticleProblem.InvalidCode
        : Label.Length is 0 or > MaxLabelLength ? ArticleProblem.InvalidLabel
        : Category?.Length > MaxCategoryLength ? ArticleProblem.InvalidCategory
        : !OpenPrice && PriceCents is < 1 or > MaxPriceCents ? ArticleProblem.InvalidPrice
        : null;
}

public enum ArticleProblem
{
    InvalidCode,
    InvalidLabel,
    InvalidCategory,
    InvalidPrice,
    CodeTaken,
    UnknownArticle,
}

/// <summary>The school's articles, for the till, the card lookup and the manager.</summary>
public sealed class Catalogue(NpgsqlDataSource db)
{
    internal const string Columns = "code, label, price_cents, category, open_price, active";

    /// <summary>The articles on sale at a fixed price, by category and label, for the till's grid.</summary>
    public async Task<IReadOnlyList<Article>> TillArticlesAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        await ReadAsync($"SELECT {Columns} FROM pos_articles WHERE school_id = @school AND active AND NOT open_price ORDER BY category NULLS LAST, label",
            schoolId, null, cancellationToken);

    /// <summary>Every article of the school, withdrawn ones included, for the manager.</summary>
    public async Task<IReadOnlyList<Article>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        await ReadAsync($"SELECT {Columns} FROM pos_articles WHERE school_id = @school ORDER BY category NULLS LAST, label",
            schoolId, null, cancellationToken);

    public async Task<Article?> FindAsync(Guid schoolId, string code, CancellationToken cancellationToken = default) =>
        (await ReadAsync($"SELECT {Columns} FROM pos_articles WHERE school_id = @school AND code = @code",
            schoolId, code.Trim().ToUpperInvariant(), cancellationToken)).SingleOrDefault();

    /// <summary>Adds an article; a code the school already uses is refused, never overwritten.</summary>
    public async Task<ArticleProblem?> CreateAsync(Guid schoolId, Article article, CancellationToken cancellationToken = default)
    {
        article = article.Normalized();
        if (article.Check() is { } problem)
        {
            return problem;
        }
        await using var command = db.CreateCommand("""
            INSERT INTO pos_articles (school_id, code, label, price_cents, category, open_price, active)
            VALUES (@school, @code, @label, @price, @category, @open, @active)
            ON CONFLICT (school_id, code) DO NOTHING
            """);
        AddFields(command, schoolId, article);
        command.Parameters.AddWithValue("active", article.Active);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? null : ArticleProblem.CodeTaken;
    }

    /// <summary>
    /// Changes an article's label, price, category or open price; whether it is on sale stays as it was.
    /// Sales already made keep the label and price they were sold at (their lines carry them).
    /// </summary>
    public async Task<ArticleProblem?> UpdateAsync(Guid schoolId, Article article, CancellationToken cancellationToken = default)
    {
        article = article.Normalized();
        if (article.Check() is { } problem)
        {
            return problem;
        }
        await using var command = db.CreateCommand("""
            UPDATE pos_articles SET label = @label, price_cents = @price, category = @category, open_price = @open
            WHERE school_id = @school AND code = @code
            """);
        AddFields(command, schoolId, article);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? null : ArticleProblem.UnknownArticle;
    }

    /// <summary>Withdraws an article from sale (false) or puts it back (true); false if the school has no such article.</summary>
    public async Task<bool> SetOnSaleAsync(Guid schoolId, string code, bool onSale, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE pos_articles SET active = @active WHERE school_id = @school AND code = @code");
        command.Parameters.AddWithValue("active", onSale);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", code.Trim().ToUpperInvariant());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// A price list, all in one transaction: new codes are added on sale, known ones take the list's label,
    /// price and category and stay on sale or withdrawn as they were. The caller has checked every article
    /// and that no code appears twice.
    /// </summary>
    public async Task<(int Created, int Updated)> ImportAsync(Guid schoolId, IReadOnlyList<Article> articles,
        CancellationToken cancellationToken = default)
    {
        var normalized = articles.Select(a => a.Normalized()).ToList();
        if (normalized.Any(a => a.Check() is not null) || normalized.DistinctBy(a => a.Code).Count() != normalized.Count)
        {
            throw new ArgumentException("Every imported article must be valid and its code unique in the list.", nameof(articles));
        }
        await using var command = db.CreateCommand("""
            INSERT INTO pos_articles (school_id, code, label, price_cents, category, open_price)
            SELECT @school, a.code, a.label, a.price, a.category, a.open
            FROM unnest(@codes, @labels, @prices, @categories::text[], @opens) AS a(code, label, price, category, open)
            ON CONFLICT (school_id, code) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents,
                category = excluded.category, open_price = excluded.open_price
            RETURNING xmax = 0
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("codes", normalized.Select(a => a.Code).ToArray());
        command.Parameters.AddWithValue("labels", normalized.Select(a => a.Label).ToArray());
        command.Parameters.AddWithValue("prices", normalized.Select(a => a.PriceCents).ToArray());
        command.Parameters.AddWithValue("categories", normalized.Select(a => a.Category).ToArray());
        command.Parameters.AddWithValue("opens", normalized.Select(a => a.OpenPrice).ToArray());
        // xmax is 0 on a row this statement inserted, and set on one it updated.
        var created = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            created += reader.GetBoolean(0) ? 1 : 0;
        }
        return (created, normalized.Count - created);
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

    /// <summary>An article from a row of <see cref="Columns"/>, from the reader's first column on.</summary>
    public static Article Read(NpgsqlDataReader reader, int first = 0) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetInt64(first + 2),
            reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3), reader.GetBoolean(first + 4), reader.GetBoolean(first + 5));

    static void AddFields(NpgsqlCommand command, Guid schoolId, Article article)
    {
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", article.Code);
        command.Parameters.AddWithValue("label", article.Label);
        command.Parameters.AddWithValue("price", article.PriceCents);
        command.Parameters.AddWithValue("category", (object?)article.Category ?? DBNull.Value);
        command.Parameters.AddWithValue("open", article.OpenPrice);
    }

    async Task<IReadOnlyList<Article>> ReadAsync(string sql, Guid schoolId, string? code, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", schoolId);
        if (code is not null)
        {
            command.Parameters.AddWithValue("code", code);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var articles = new List<Article>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles.Add(Read(reader));
        }
        return articles;
    }
}