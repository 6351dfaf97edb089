using System.Text.RegularExpressions;
using ItSchool.Pupils;
using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Orders;

/// <summary>
/// The school's side of its order forms in SQL: the list, creating and changing a form (checked against the orders
/// already placed on it), the photographer's proofs, the totals and the rows of the supplier's export. Every query
/// names the school, so a form of another school is simply not found. A change bumps the form's version and tells its
/// grain (<see cref="IOrderFormGrain.FormChangedAsync"/>), which reads the form again before its next decision.
/// </summary>
public sealed partial class OrderFormAdmin(NpgsqlDataSource db, IGrainFactory grains, PupilRegistry pupils)
{
    public const int MaxProofBytes = 5 * 1024 * 1024;
    public const int MaxArticles = 50;
    public const int MaxOptions = 20;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,20}$")]
    private static partial Regex CodePattern();

    public async Task<IReadOnlyList<FormSummary>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT f.id, f.kind, f.title, f.opens_on, f.closes_on, f.classes, f.payment, f.compartment, f.due_days,
                   count(o.id) FILTER (WHERE o.status = 'placed'), COALESCE(sum(o.total_cents) FILTER (WHERE o.status = 'placed'), 0)::bigint
            FROM order_forms f LEFT JOIN orders o ON o.form_id = f.id
            WHERE f.school_id = @school
            GROUP BY f.id
            ORDER BY f.closes_on DESC, f.opens_on DESC, f.title
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var forms = new List<FormSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            forms.Add(new FormSummary(reader.GetGuid(0), LedgerNames.FromDatabase<OrderKind>(reader.GetString(1)), reader.GetString(2),
                reader.GetFieldValue<DateOnly>(3), reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<string[]>(5),
                LedgerNames.FromDatabase<OrderPayment>(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetInt16(7), reader.GetInt32(8),
                (int)reader.GetInt64(9), reader.GetInt64(10)));
        }
        return forms;
    }

    /// <summary>The school's form, or null when it has none with this id.</summary>
    public async Task<OrderForm?> FindAsync(Guid schoolId, Guid formId, CancellationToken cancellationToken = default) =>
        await new OrderStore(db).LoadFormAsync(formId, cancellationToken) is { } form && form.SchoolId == schoolId ? form : null;

    /// <summary>How many of each article's option the placed orders hold (key: article code, option).</summary>
    public async Task<IReadOnlyDictionary<(string Article, string Option), int>> OrderedAsync(Guid formId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await OrderedAsync(connection, formId, cancellationToken);
    }

    static async Task<Dictionary<(string Article, string Option), int>> OrderedAsync(NpgsqlConnection connection, Guid formId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT l.article_code, l.option, sum(l.quantity)::int
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.form_id = @form AND o.status = 'placed'
            GROUP BY l.article_code, l.option
            """, connection);
        command.Parameters.AddWithValue("form", formId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ordered = new Dictionary<(string, string), int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ordered[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        }
        return ordered;
    }

    /// <summary>
    /// Creates (<paramref name="isNew"/>) or changes a form. <paramref name="found"/> holds the problems the page already
    /// found reading the fields; the form is written only when neither they nor the checks here find any, and then as a
    /// whole, in one transaction that holds the form's row.
    /// </summary>
    public async Task<FormSaved> SaveAsync(FormDraft draft, bool isNew, IReadOnlyList<FormProblem> found, string by, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var problems = new List<FormProblem>(found);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        OrderForm? before = null;
        if (!isNew)
        {
            await using var lockRow = new NpgsqlCommand("SELECT 1 FROM order_forms WHERE id = @form AND school_id = @school FOR UPDATE", connection, transaction);
            lockRow.Parameters.AddWithValue("form", draft.Id);
            lockRow.Parameters.AddWithValue("school", draft.SchoolId);
            if (await lockRow.ExecuteScalarAsync(cancellationToken) is null)
            {
                return new FormSaved(false, true, []);
            }
            before = await new OrderStore(db).LoadFormAsync(draft.Id, cancellationToken);
        }
        var ordered = isNew ? [] : await OrderedAsync(connection, draft.Id, cancellationToken);
        var saveId = Guid.NewGuid();
        if (!isNew)
        {
            // Orders decided but not yet written count too, and none is decided until this save ends.
            foreach (var held in await grains.OrderForm(draft.Id).BeginChangeAsync(saveId))
            {
                ordered[(held.ArticleCode, held.Option)] = Math.Max(ordered.GetValueOrDefault((held.ArticleCode, held.Option)), held.Quantity);
            }
        }
        try
        {
            return await CheckAndWriteAsync(connection, transaction, draft, isNew, before, ordered, problems, by, now, cancellationToken);
        }
        finally
        {
            if (!isNew)
            {
                await grains.OrderForm(draft.Id).EndChangeAsync(saveId);
            }
        }
    }

    async Task<FormSaved> CheckAndWriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FormDraft draft, bool isNew, OrderForm? before,
        Dictionary<(string Article, string Option), int> ordered, List<FormProblem> problems, string by, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        Check(draft, problems);
        await CheckSchoolAsync(connection, draft, problems, cancellationToken);
        if (before is not null)
        {
            CheckAgainstOrders(draft, before, ordered, problems);
        }
        if (problems.Count > 0)
        {
            return new FormSaved(false, false, [.. problems.Distinct()]);
        }
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in Writes(draft, isNew, by, now))
            {
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new FormSaved(true, false, []);
    }

    static void Check(FormDraft draft, List<FormProblem> problems)
    {
        var title = draft.Title.Trim();
        if (title.Length is 0 or > OrderLimits.Title)
        {
            problems.Add(new("Title"));
        }
        if (draft.Description.Length > OrderLimits.Description)
        {
            problems.Add(new("Description"));
        }
        if (draft.OpensOn is null)
        {
            problems.Add(new("Opens"));
        }
        if (draft.ClosesOn is null)
        {
            problems.Add(new("Closes"));
        }
        if (draft is { OpensOn: { } opens, ClosesOn: { } closes } && closes < opens)
        {
            problems.Add(new("ClosesBeforeOpens"));
        }
        if (draft.Classes is { Count: 0 })
        {
            problems.Add(new("NoClass"));
        }
        if (draft.Payment == OrderPayment.Invoice && draft.DueDays is not (>= 0 and <= 120))
        {
            problems.Add(new("DueDays"));
        }
        var live = draft.Articles.Where(a => !a.Remove).ToList();
        if (live.Count == 0)
        {
            problems.Add(new("NoArticle"));
        }
        if (draft.Articles.Count > MaxArticles)
        {
            problems.Add(new("TooManyArticles", MaxArticles.ToString()));
        }
        foreach (var article in live)
        {
            var name = article.Code;
            if (!CodePattern().IsMatch(article.Code))
            {
                problems.Add(new("Code", article.Code));
                continue;
            }
            if (article.Label.Trim().Length is 0 or > OrderLimits.Label)
            {
                problems.Add(new("Label", name));
            }
            if (article.PriceCents is < 0 or > OrderLimits.MaxPriceCents)
            {
                problems.Add(new("Price", name));
            }
            if (article.LimitPerPupil is <= 0 or > OrderLimits.MaxQuantity)
            {
                problems.Add(new("Limit", name));
            }
            if (article.Options.Count is 0 or > MaxOptions)
            {
                problems.Add(new("TooManyOptions", name));
            }
            foreach (var option in article.Options)
            {
                if (option.Name.Length > OrderLimits.Option || (article.Options.Count > 1 && option.Name.Length == 0))
                {
                    problems.Add(new("OptionName", $"{name} {option.Name}".Trim()));
                }
                if (option.Stock is < 0 or > 1_000_000)
                {
                    problems.Add(new("Stock", Named(name, option.Name)));
                }
            }
            if (article.Options.GroupBy(o => o.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                problems.Add(new("DuplicateOption", Named(name, twice.Key)));
            }
        }
        if (live.Where(a => a.Code.Length > 0).GroupBy(a => a.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } same)
        {
            problems.Add(new("DuplicateCode", same.Key));
        }
    }

    static string Named(string article, string option) => option.Length == 0 ? article : $"{article} {option}";

    async Task CheckSchoolAsync(NpgsqlConnection connection, FormDraft draft, List<FormProblem> problems, CancellationToken cancellationToken)
    {
        if (draft.Classes is { Count: > 0 } classes)
        {
            var known = await pupils.ClassesAsync(draft.SchoolId, cancellationToken);
            problems.AddRange(classes.Where(c => !known.Contains(c)).Select(c => new FormProblem("UnknownClass", c)));
        }
        if (draft.Payment == OrderPayment.Wallet)
        {
            await using var command = new NpgsqlCommand(
                "SELECT 1 FROM wallet_compartments WHERE school_id = @school AND compartment = @compartment", connection);
            command.Parameters.AddWithValue("school", draft.SchoolId);
            command.Parameters.AddWithValue("compartment", (short)(draft.Compartment ?? -1));
            if (draft.Compartment is null or < 0 or > short.MaxValue || await command.ExecuteScalarAsync(cancellationToken) is null)
            {
                problems.Add(new("Compartment"));
            }
        }
    }

    /// <summary>What the orders already placed forbid: a new price, removing what was ordered, a stock below what is sold.</summary>
    static void CheckAgainstOrders(FormDraft draft, OrderForm before, Dictionary<(string Article, string Option), int> ordered, List<FormProblem> problems)
    {
        var anyOrder = ordered.Values.Any(q => q > 0);
        foreach (var old in before.Articles)
        {
            var now = draft.Articles.FirstOrDefault(a => a.Code == old.Code);
            var articleOrdered = ordered.Where(o => o.Key.Article == old.Code).Sum(o => o.Value);
            if (now is null || now.Remove)
            {
                if (articleOrdered > 0)
                {
                    problems.Add(new("RemoveOrdered", old.Label));
                }
                continue;
            }
            if (anyOrder && now.PriceCents != old.PriceCents)
            {
                problems.Add(new("PriceLocked", old.Label));
            }
            foreach (var option in old.Options)
            {
                var sold = ordered.GetValueOrDefault((old.Code, option.Name));
                if (sold > 0 && !now.Options.Any(o => o.Name == option.Name))
                {
                    problems.Add(new("OptionOrdered", Named(old.Label, option.Name)));
                }
            }
        }
        foreach (var article in draft.Articles.Where(a => !a.Remove))
        {
            foreach (var option in article.Options)
            {
                var sold = ordered.GetValueOrDefault((article.Code, option.Name));
                if (option.Stock is { } stock && stock < sold)
                {
                    problems.Add(new("StockBelowOrdered", Named(article.Label, option.Name), sold));
                }
            }
        }
    }

    static IEnumerable<NpgsqlBatchCommand> Writes(FormDraft draft, bool isNew, string by, DateTimeOffset now)
    {
        var form = new NpgsqlBatchCommand(isNew
            ? """
              INSERT INTO order_forms (id, school_id, kind, title, description, opens_on, closes_on, classes, payment, compartment, due_days,
                                       created_by, created_at)
              VALUES (@form, @school, @kind, @title, @description, @opens, @closes, @classes, @payment, @compartment, @due, @by, @at)
              """
            : """
              UPDATE order_forms SET kind = @kind, title = @title, description = @description, opens_on = @opens, closes_on = @closes,
                     classes = @classes, payment = @payment, compartment = @compartment, due_days = @due, version = version + 1
              WHERE id = @form AND school_id = @school
              """);
        form.Parameters.AddWithValue("form", draft.Id);
        form.Parameters.AddWithValue("school", draft.SchoolId);
        form.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(draft.Kind));
        form.Parameters.AddWithValue("title", draft.Title.Trim());
        form.Parameters.AddWithValue("description", draft.Description);
        form.Parameters.AddWithValue("opens", draft.OpensOn!.Value);
        form.Parameters.AddWithValue("closes", draft.ClosesOn!.Value);
        form.Parameters.Add(new NpgsqlParameter("classes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)draft.Classes?.ToArray() ?? DBNull.Value });
        form.Parameters.AddWithValue("payment", LedgerNames.ToDatabase(draft.Payment));
        form.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlDbType.Smallint)
        {
            Value = draft.Payment == OrderPayment.Wallet ? (short)draft.Compartment!.Value : DBNull.Value,
        });
        form.Parameters.AddWithValue("due", draft.Payment == OrderPayment.Invoice ? draft.DueDays ?? 14 : 14);
        form.Parameters.AddWithValue("by", by);
        form.Parameters.AddWithValue("at", now);
        yield return form;

        var live = draft.Articles.Where(a => !a.Remove).ToList();
        var removed = new NpgsqlBatchCommand("DELETE FROM order_articles WHERE form_id = @form AND NOT (code = ANY(@codes))");
        removed.Parameters.AddWithValue("form", draft.Id);
        removed.Parameters.AddWithValue("codes", live.Select(a => a.Code).ToArray());
        yield return removed;

        var articles = new NpgsqlBatchCommand("""
            INSERT INTO order_articles (form_id, code, label, price_cents, limit_per_pupil, position, withdrawn_at)
            SELECT @form, c, l, p, NULLIF(m, 0), n, CASE WHEN w THEN @at END
            FROM unnest(@codes, @labels, @prices, @limits, @positions, @withdrawn) AS t(c, l, p, m, n, w)
            ON CONFLICT (form_id, code) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents,
                limit_per_pupil = excluded.limit_per_pupil, position = excluded.position,
                withdrawn_at = CASE WHEN excluded.withdrawn_at IS NULL THEN NULL ELSE COALESCE(order_articles.withdrawn_at, excluded.withdrawn_at) END
            """);
        articles.Parameters.AddWithValue("form", draft.Id);
        articles.Parameters.AddWithValue("at", now);
        articles.Parameters.AddWithValue("codes", live.Select(a => a.Code).ToArray());
        articles.Parameters.AddWithValue("labels", live.Select(a => a.Label.Trim()).ToArray());
        articles.Parameters.AddWithValue("prices", live.Select(a => a.PriceCents).ToArray());
        articles.Parameters.AddWithValue("limits", live.Select(a => a.LimitPerPupil ?? 0).ToArray());
        articles.Parameters.AddWithValue("positions", Enumerable.Range(0, live.Count).ToArray());
        articles.Parameters.AddWithValue("withdrawn", live.Select(a => a.Withdrawn).ToArray());
        yield return articles;

        var options = live.SelectMany(a => a.Options.Select((o, i) => (a.Code, o, i))).ToList();
        var staleOptions = new NpgsqlBatchCommand("""
            DELETE FROM order_article_options o WHERE o.form_id = @form
              AND NOT EXISTS (SELECT 1 FROM unnest(@codes, @options) AS t(c, n) WHERE t.c = o.article_code AND t.n = o.option)
            """);
        staleOptions.Parameters.AddWithValue("form", draft.Id);
        staleOptions.Parameters.AddWithValue("codes", options.Select(o => o.Code).ToArray());
        staleOptions.Parameters.AddWithValue("options", options.Select(o => o.o.Name).ToArray());
        yield return staleOptions;

        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO order_article_options (form_id, article_code, option, stock, position)
            SELECT @form, c, n, NULLIF(s, -1), p FROM unnest(@codes, @options, @stocks, @positions) AS t(c, n, s, p)
            ON CONFLICT (form_id, article_code, option) DO UPDATE SET stock = excluded.stock, position = excluded.position
            """);
        upsert.Parameters.AddWithValue("form", draft.Id);
        upsert.Parameters.AddWithValue("codes", options.Select(o => o.Code).ToArray());
        upsert.Parameters.AddWithValue("options", options.Select(o => o.o.Name).ToArray());
        upsert.Parameters.AddWithValue("stocks", options.Select(o => o.o.Stock ?? -1).ToArray());
        upsert.Parameters.AddWithValue("positions", options.Select(o => o.i).ToArray());
        yield return upsert;
    }

    /// <summary>The placed orders' quantities and amounts per article, option and class, in the form's order of articles.</summary>
    public async Task<IReadOnlyList<TotalRow>> TotalsAsync(Guid schoolId, Guid formId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT l.article_code, l.option, min(l.label), p.class_name, sum(l.quantity)::int, sum(l.quantity * l.unit_cents)::bigint
            FROM orders o
            JOIN order_lines l ON l.order_id = o.id
            JOIN pupils p ON p.id = o.pupil_id
            LEFT JOIN order_articles a ON a.form_id = o.form_id AND a.code = l.article_code
            LEFT JOIN order_article_options x ON x.form_id = o.form_id AND x.article_code = l.article_code AND x.option = l.option
            WHERE o.form_id = @form AND o.school_id = @school AND o.status = 'placed'
            GROUP BY l.article_code, l.option, p.class_name
            ORDER BY min(a.position), l.article_code, min(x.position), l.option, p.class_name
            """);
        command.Parameters.AddWithValue("form", formId);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<TotalRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TotalRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt64(5)));
        }
        return rows;
    }

    /// <summary>The form's orders (every status), with their pupil's name and class, by class then name.</summary>
    public async Task<IReadOnlyList<SchoolOrder>> OrdersAsync(Guid schoolId, Guid formId, CancellationToken cancellationToken = default)
    {
        var orders = await new OrderStore(db).LoadOrdersAsync(formId, cancellationToken);
        await using var command = db.CreateCommand("SELECT id, first_name, last_name, class_name FROM pupils WHERE id = ANY(@ids) AND school_id = @school");
        command.Parameters.AddWithValue("ids", orders.Select(o => o.PupilId).Distinct().ToArray());
        command.Parameters.AddWithValue("school", schoolId);
        var pupils = new Dictionary<Guid, (string First, string Last, string Class)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pupils[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }
        }
        return [.. orders.Where(o => o.SchoolId == schoolId && pupils.ContainsKey(o.PupilId))
            .Select(o => new SchoolOrder(o, pupils[o.PupilId].First, pupils[o.PupilId].Last, pupils[o.PupilId].Class))
            .OrderBy(o => o.ClassName, StringComparer.Ordinal).ThenBy(o => o.LastName).ThenBy(o => o.FirstName).ThenBy(o => o.Order.PlacedAt)];
    }

    /// <summary>The pupils a form is for (its classes, or the whole school), by class then name: the proofs page lists them.</summary>
    public async Task<IReadOnlyList<FormPupil>> PupilsAsync(OrderForm form, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, first_name, last_name, class_name, reference FROM pupils
            WHERE school_id = @school AND (@all OR class_name = ANY(@classes))
            ORDER BY class_name, last_name, first_name, id
            """);
        command.Parameters.AddWithValue("school", form.SchoolId);
        command.Parameters.AddWithValue("all", form.Classes is null);
        command.Parameters.AddWithValue("classes", (form.Classes ?? []).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<FormPupil>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add(new FormPupil(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return pupils;
    }

    /// <summary>The proofs of a form (without their bytes), by pupil then upload.</summary>
    public async Task<IReadOnlyList<ProofInfo>> ProofsAsync(Guid schoolId, Guid formId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.pupil_id, p.file_name, p.content_type, length(p.data), p.uploaded_at
            FROM order_proofs p JOIN order_forms f ON f.id = p.form_id
            WHERE p.form_id = @form AND f.school_id = @school
            ORDER BY p.pupil_id, p.uploaded_at, p.file_name
            """);
        command.Parameters.AddWithValue("form", formId);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var proofs = new List<ProofInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            proofs.Add(new ProofInfo(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return proofs;
    }

    /// <summary>
    /// One proof's bytes, when it belongs to a form of this school; the caller checks who may see it (the manager, or a
    /// guardian of <see cref="ProofFile.PupilId"/>).
    /// </summary>
    public async Task<ProofFile?> ProofAsync(Guid schoolId, Guid formId, Guid proofId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.data, p.content_type, p.pupil_id, p.file_name
            FROM order_proofs p JOIN order_forms f ON f.id = p.form_id
            WHERE p.id = @proof AND p.form_id = @form AND f.school_id = @school
            """);
        command.Parameters.AddWithValue("proof", proofId);
        command.Parameters.AddWithValue("form", formId);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ProofFile(reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3))
            : null;
    }

    /// <summary>
    /// Stores proofs of one pupil of the form's school, all or none (the caller sniffed and measured each). False when the
    /// form is not a photo order of this school or the pupil not one of its pupils.
    /// </summary>
    public async Task<bool> AddProofsAsync(Guid schoolId, Guid formId, IReadOnlyList<ProofUpload> proofs, string by, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var proof in proofs)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO order_proofs (id, form_id, pupil_id, file_name, content_type, data, uploaded_by, uploaded_at)
                SELECT @id, f.id, p.id, @name, @type, @data, @by, @at
                FROM order_forms f JOIN pupils p ON p.school_id = f.school_id AND p.id = @pupil
                WHERE f.id = @form AND f.school_id = @school AND f.kind = 'photos'
                """, connection, transaction);
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
            insert.Parameters.AddWithValue("form", formId);
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("pupil", proof.PupilId);
            insert.Parameters.AddWithValue("name", proof.FileName);
            insert.Parameters.AddWithValue("type", proof.ContentType);
            insert.Parameters.AddWithValue("data", proof.Data);
            insert.Parameters.AddWithValue("by", by);
            insert.Parameters.AddWithValue("at", now);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DeleteProofAsync(Guid schoolId, Guid formId, Guid proofId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            DELETE FROM order_proofs p USING order_forms f
            WHERE p.id = @proof AND p.form_id = @form AND f.id = p.form_id AND f.school_id = @school
            """);
        command.Parameters.AddWithValue("proof", proofId);
        command.Parameters.AddWithValue("form", formId);
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The proof's content type when the first bytes prove a JPEG or PNG picture; null otherwise (the name's extension must agree).</summary>
    public static string? SniffProof(ReadOnlySpan<byte> head, string fileName) =>
        Documents.DocumentKinds.Sniff(head, fileName) switch
        {
            "image/jpeg" => "image/jpeg",
            "image/png" => "image/png",
            _ => null,
        };
}

/// <summary>A form in the school's list, with its placed orders' count and total.</summary>
public sealed record FormSummary(Guid Id, OrderKind Kind, string Title, DateOnly OpensOn, DateOnly ClosesOn, IReadOnlyList<string>? Classes,
    OrderPayment Payment, int? Compartment, int DueDays, int Orders, long TotalCents);

/// <summary>
/// A form as the school typed it. <see cref="Classes"/> null: every class. An article without a choice of size has one
/// option named "" holding its stock, as the database keeps it.
/// </summary>
public sealed record FormDraft(Guid Id, Guid SchoolId, OrderKind Kind, string Title, string Description, DateOnly? OpensOn, DateOnly? ClosesOn,
    IReadOnlyList<string>? Classes, OrderPayment Payment, int? Compartment, int? DueDays, IReadOnlyList<ArticleDraft> Articles);

public sealed record ArticleDraft(string Code, string Label, long PriceCents, int? LimitPerPupil, IReadOnlyList<OptionDraft> Options, bool Withdrawn,
    bool Remove);

public sealed record OptionDraft(string Name, int? Stock);

/// <summary>A refusal's code (the page words it as <c>Problem.{Code}</c>) and what it names.</summary>
public sealed record FormProblem(string Code, string? Detail = null, int? Count = null);

public sealed record FormSaved(bool Saved, bool NotFound, IReadOnlyList<FormProblem> Problems);

public sealed record TotalRow(string ArticleCode, string Option, string Label, string ClassName, int Quantity, long AmountCents);

public sealed record SchoolOrder(OrderView Order, string FirstName, string LastName, string ClassName)
{
    public string PupilName => $"{LastName} {FirstName}";
}

public sealed record FormPupil(Guid Id, string FirstName, string LastName, string ClassName, string? Reference)
{
    public string Name => $"{LastName} {FirstName}";
}

public sealed record ProofInfo(Guid Id, Guid PupilId, string FileName, string ContentType, int Bytes, DateTimeOffset UploadedAt);

public sealed record ProofFile(byte[] Data, string ContentType, Guid PupilId, string FileName);

public sealed record ProofUpload(Guid PupilId, string FileName, string ContentType, byte[] Data);