using Npgsql;

namespace ItSchool.Notifications;

/// <summary>What a family is told of and had no mail for: an invoice issued, a document sent, an order placed, an absence to justify.</summary>
public enum NewsSource
{
    Invoice,
    Document,
    Order,
    Absence,
}

/// <summary>
/// One guardian to tell of one thing: the pupils it is about, its title (an invoice's number and label, a document's or an
/// order form's title), its amount, and its day and deadline (a document's date; an absence's day and the last day to
/// justify it, and its part of the day).
/// </summary>
public sealed record FamilyNewsItem(NewsSource Source, Guid SubjectId, Guid SchoolId, Guid GuardianId, string Address, string GuardianName, string Pupils,
    string Title, long? AmountCents, DateOnly? Day, DateOnly? DueOn, string? Part);

/// <summary>
/// Tells families of what was written elsewhere (the invoice grain, the document and order stores, the absence register and
/// import) without widening those writers: each pass claims the things not yet told (<c>family_news_told</c>, whose key makes
/// a claim once-only across nodes) and routes each guardian's notification in the claim's transaction. An absence is told
/// only while the family may still justify it; one it may not is claimed all the same, and never told.
/// </summary>
public sealed class FamilyNews(NpgsqlDataSource db)
{
    /// <summary>How far back a pass looks: older things were told, or were written while no node ran for two weeks.</summary>
    static readonly TimeSpan Horizon = TimeSpan.FromDays(14);

    const int PerPass = 100;

    const string Guardians = """
        JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
        JOIN users u ON u.id = g.user_id AND u.deactivated_at IS NULL AND u.email IS NOT NULL AND btrim(u.email) <> ''
        """;

    static readonly IReadOnlyDictionary<NewsSource, (string Table, string CreatedAt, string Recipients)> Sources = new Dictionary<NewsSource, (string, string, string)>
    {
        [NewsSource.Invoice] = ("invoices", "created_at", $"""
            SELECT x.id, x.school_id, u.id, u.email, u.first_name || ' ' || u.last_name, p.first_name, x.number || ' — ' || x.label,
                   x.total_cents, x.issued_on, x.due_on, NULL::text
            FROM invoices x JOIN pupils p ON p.id = x.pupil_id {Guardians}
            WHERE x.id = ANY(@ids)
            """),
        [NewsSource.Document] = ("documents", "uploaded_at", $"""
            SELECT x.id, x.school_id, u.id, u.email, u.first_name || ' ' || u.last_name, string_agg(DISTINCT p.first_name, ', '), x.title,
                   NULL::bigint, x.dated_on, NULL::date, NULL::text
            FROM documents x JOIN document_pupils dp ON dp.document_id = x.id JOIN pupils p ON p.id = dp.pupil_id {Guardians}
            WHERE x.id = ANY(@ids)
            GROUP BY x.id, x.school_id, u.id, u.email, u.first_name, u.last_name, x.title, x.dated_on
            """),
        [NewsSource.Order] = ("orders", "placed_at", $"""
            SELECT x.id, x.school_id, u.id, u.email, u.first_name || ' ' || u.last_name, p.first_name, f.title,
                   x.total_cents, NULL::date, NULL::date, x.payment
            FROM orders x JOIN order_forms f ON f.id = x.form_id JOIN pupils p ON p.id = x.pupil_id {Guardians}
            WHERE x.id = ANY(@ids) AND x.status = 'placed'
            """),
        [NewsSource.Absence] = ("absences", "recorded_at", $"""
            SELECT x.id, x.school_id, u.id, u.email, u.first_name || ' ' || u.last_name, p.first_name, '',
                   NULL::bigint, x.day, x.day + coalesce(s.justify_within_days, 3), x.part
            FROM absences x JOIN pupils p ON p.id = x.pupil_id {Guardians}
            LEFT JOIN absence_settings s ON s.school_id = x.school_id
            WHERE x.id = ANY(@ids) AND x.source IN ('register', 'import') AND x.reason_code IS NULL AND x.justification_id IS NULL
              AND x.day + coalesce(s.justify_within_days, 3) >= @today
            """),
    };

    /// <summary>One pass over every source; how many things it claimed (told or not).</summary>
    public async Task<int> TellAsync(DateTimeOffset now, DateOnly today, Func<FamilyNewsItem, Notification?> compose, CancellationToken cancellationToken = default)
    {
        var claimed = 0;
        foreach (var source in Sources.Keys)
        {
            claimed += await TellAsync(source, now, today, compose, cancellationToken);
        }
        return claimed;
    }

    async Task<int> TellAsync(NewsSource source, DateTimeOffset now, DateOnly today, Func<FamilyNewsItem, Notification?> compose,
        CancellationToken cancellationToken)
    {
        var (table, createdAt, recipients) = Sources[source];
        var code = source.ToString().ToLowerInvariant();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<Guid>();
        await using (var claim = new NpgsqlCommand($"""
            INSERT INTO family_news_told (source, subject_id, told_at)
            SELECT @source, x.id, @now FROM {table} x
            WHERE x.{createdAt} >= @since AND NOT EXISTS (SELECT 1 FROM family_news_told t WHERE t.source = @source AND t.subject_id = x.id)
            ORDER BY x.{createdAt}
            LIMIT @limit
            ON CONFLICT DO NOTHING
            RETURNING subject_id
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("source", code);
            claim.Parameters.AddWithValue("now", now);
            claim.Parameters.AddWithValue("since", now - Horizon);
            claim.Parameters.AddWithValue("limit", PerPass);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }
        if (ids.Count == 0)
        {
            return 0;
        }
        var items = new List<FamilyNewsItem>();
        await using (var query = new NpgsqlCommand(recipients, connection, transaction))
        {
            query.Parameters.AddWithValue("ids", ids.ToArray());
            query.Parameters.AddWithValue("today", today);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new FamilyNewsItem(source, reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
        }
        foreach (var item in items)
        {
            if (compose(item) is { } notification)
            {
                await NotificationRouting.SendAsync(connection, transaction, notification, now, cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }

    /// <summary>Counts everything the demo school was seeded with as told: a fresh demo tells its families nothing old.</summary>
    public async Task MarkAllToldAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO family_news_told (source, subject_id, told_at)
            SELECT 'invoice', id, @now FROM invoices
            UNION ALL SELECT 'document', id, @now FROM documents
            UNION ALL SELECT 'order', id, @now FROM orders
            UNION ALL SELECT 'absence', id, @now FROM absences
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}