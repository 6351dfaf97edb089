using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>An invoice as a line of a list: read from the invoice rows, without waking any grain.</summary>
public sealed record InvoiceRow(
    Guid Id, Guid PupilId, string PupilName, string ClassName, string Number, string Label, DateOnly IssuedOn, DateOnly DueOn,
    long TotalCents, long PaidCents, long CreditedCents, long FlaggedCents, long Communication, InvoiceState State,
    DateTimeOffset? LastReminderAt = null)
{
    public long RemainingCents => TotalCents - CreditedCents - PaidCents;
}

/// <summary>What the school's list is narrowed to; null means no filter.</summary>
public sealed record InvoiceFilter(Guid SchoolId, string? ClassName = null, InvoiceState? State = null, Guid? PupilId = null,
    bool OverdueOnly = false, bool FlaggedOnly = false);

/// <summary>Sums over every invoice a filter matches, not only the page shown.</summary>
public sealed record InvoiceTotals(long DueCents, long PaidCents, long RemainingCents, long FlaggedCents);

/// <summary>A page of the school's list, with its totals.</summary>
public sealed record InvoicePage(Paged<InvoiceRow> Rows, InvoiceTotals Totals);

public sealed class InvoiceList(NpgsqlDataSource db)
{
    /// <summary>
    /// The school's invoices, newest first. States depend on the day, so they are computed from the sums and the
    /// due date rather than stored: in SQL as <see cref="InvoiceStates.At"/> does, so that a state filter pages.
    /// </summary>
    public async Task<IReadOnlyList<InvoiceRow>> SearchAsync(InvoiceFilter filter, DateOnly today,
        CancellationToken cancellationToken = default) =>
        await RowsAsync(filter, today, null, cancellationToken);

    /// <summary>One page of <see cref="SearchAsync"/>, with the count and sums of all it matches.</summary>
    public async Task<InvoicePage> PageAsync(InvoiceFilter filter, DateOnly today, PageRequest page,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT count(*)::int, coalesce(sum(i.total_cents - i.credited_cents), 0)::bigint, coalesce(sum(i.paid_cents), 0)::bigint,
                   coalesce(sum(greatest(0, i.total_cents - i.credited_cents - i.paid_cents)), 0)::bigint,
                   coalesce(sum(i.flagged_cents), 0)::bigint
            FROM invoices i JOIN pupils p ON p.id = i.pupil_id
            WHERE {Matching}
            """);
        AddFilter(command, filter, today);
        int total;
        InvoiceTotals totals;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            total = reader.GetInt32(0);
            totals = new InvoiceTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        var rows = await Paging.ReadAsync(page, total, (limit, offset) => RowsAsync(filter, today, (limit, offset), cancellationToken));
        return new InvoicePage(rows, totals);
    }

    /// <summary><see cref="InvoiceStates.At"/> in SQL; a test holds the two together.</summary>
    const string State = """
        CASE WHEN i.credited_cents >= i.total_cents THEN 'Credited'
             WHEN i.total_cents - i.credited_cents - i.paid_cents <= 0 THEN CASE WHEN i.paid_cents > 0 THEN 'Paid' ELSE 'Credited' END
             WHEN @today > i.due_on THEN 'Overdue'
             WHEN i.paid_cents > 0 THEN 'PartiallyPaid'
             ELSE 'Open' END
        """;

    const string Matching = $"""
        i.school_id = @school
          AND (@class::text IS NULL OR p.class_name = @class)
          AND (@pupil::uuid IS NULL OR i.pupil_id = @pupil)
          AND (NOT @overdue OR (i.due_on < @today AND i.paid_cents + i.credited_cents < i.total_cents))
          AND (NOT @flagged OR i.flagged_cents > 0)
          AND (@state::text IS NULL OR {State} = @state)
        """;

    static void AddFilter(NpgsqlCommand command, InvoiceFilter filter, DateOnly today)
    {
        command.Parameters.AddWithValue("school", filter.SchoolId);
        command.Parameters.Add(new NpgsqlParameter("class", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)filter.ClassName ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("pupil", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)filter.PupilId ?? DBNull.Value });
        command.Parameters.AddWithValue("overdue", filter.OverdueOnly);
        command.Parameters.AddWithValue("flagged", filter.FlaggedOnly);
        command.Parameters.Add(new NpgsqlParameter("state", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)filter.State?.ToString() ?? DBNull.Value });
        command.Parameters.AddWithValue("today", today);
    }

    async Task<IReadOnlyList<InvoiceRow>> RowsAsync(InvoiceFilter filter, DateOnly today, (int Limit, int Offset)? page,
        CancellationToken cancellationToken)
    {
        // The number is unique in the school: the order is total, and so are the pages.
        await using var command = db.CreateCommand($"""
            SELECT i.id, i.pupil_id, p.last_name || ' ' || p.first_name, p.class_name, i.number, i.label, i.issued_on, i.due_on,
                   i.total_cents, i.paid_cents, i.credited_cents, i.flagged_cents, i.communication,
                   greatest((SELECT max(r.sent_at) FROM invoice_reminders r WHERE r.invoice_id = i.id),
                            (SELECT max(m.sent_at) FROM invoice_manual_reminders m WHERE m.invoice_id = i.id))
            FROM invoices i JOIN pupils p ON p.id = i.pupil_id
            WHERE {Matching}
            ORDER BY i.issued_on DESC, i.number DESC
            {(page is null ? "" : "LIMIT @limit OFFSET @offset")}
            """);
        AddFilter(command, filter, today);
        if (page is { Limit: var limit, Offset: var offset })
        {
            command.Parameters.AddWithValue("limit", limit);
            command.Parameters.AddWithValue("offset", offset);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<InvoiceRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var (total, paid, credited, due) = (reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetFieldValue<DateOnly>(7));
            rows.Add(new InvoiceRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<DateOnly>(6), due, total, paid, credited, reader.GetInt64(11), reader.GetInt64(12),
                InvoiceStates.At(total, paid, credited, due, today), reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13)));
        }
        return rows;
    }

    /// <summary>The pupils an invoice for whole classes and a selection goes to, checked to be this school's.</summary>
    public async Task<IReadOnlyList<Guid>> PupilsAsync(Guid schoolId, IReadOnlyCollection<string> classes,
        IReadOnlyCollection<Guid> chosen, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id FROM pupils WHERE school_id = @school AND (class_name = ANY(@classes) OR id = ANY(@chosen))
            ORDER BY last_name, first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("classes", classes.ToArray());
        command.Parameters.AddWithValue("chosen", chosen.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add(reader.GetGuid(0));
        }
        return pupils;
    }
}