using System.Data;
using ItSchool.Mail;
using ItSchool.Pupils;
using Npgsql;

namespace ItSchool.Documents;

/// <summary>A document as the school's list shows it: whom it went to and how many of their guardians opened it.</summary>
public sealed record SchoolDocument(Guid Id, string Title, DateOnly DatedOn, string FileName, string ContentType, long SizeBytes,
    DocumentAudience Audience, string? ClassName, int Pupils, int Guardians, int Opened, DateTimeOffset UploadedAt);

/// <summary>A guardian of a pupil a document went to, and when they opened it (null: not yet).</summary>
public sealed record DocumentReceipt(Guid PupilId, string PupilName, string ClassName, Guid? GuardianId, string? GuardianName, DateTimeOffset? OpenedAt);

/// <summary>
/// A line of a parent's documents: an uploaded document, an invoice (its <see cref="InvoiceNumber"/> set), an order's
/// confirmation (its <see cref="OrderFormId"/> set; <see cref="Title"/> names what was ordered, <see cref="OrderFormTitle"/> the form)
/// a meeting evening's summary (its <see cref="MeetingEveningId"/> set; <see cref="Title"/> is the evening's name) or a textbook
/// list's confirmation (its <see cref="TextbookListId"/> set; <see cref="Title"/> is the list's class and school year, "6A 2026-2027").
/// </summary>
public sealed record ChildDocument(Guid Id, string Title, DateOnly DatedOn, string? InvoiceNumber, DateTimeOffset? OpenedAt,
    Guid? OrderFormId = null, string? OrderFormTitle = null, Guid? MeetingEveningId = null, Guid? TextbookListId = null)
{
    public bool IsInvoice => InvoiceNumber is not null;

    public bool IsOrder => OrderFormId is not null;

    public bool IsMeetingSummary => MeetingEveningId is not null;
}

/// <summary>What a download needs before streaming the content.</summary>
public sealed record StoredDocument(Guid Id, string Title, string FileName, string ContentType, long SizeBytes);

/// <summary>A guardian a reminder goes to.</summary>

/// <summary>
/// The documents' reads and writes besides the upload (<see cref="DocumentUpload"/>): the school's list and receipts,
/// a family's documents (with the child's invoices), opening (which marks the guardian's read) and the reminder.
/// Every read names the school, and every family read names the child whose guardian link the page checked.
/// </summary>
public sealed class DocumentStore(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<SchoolDocument>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT d.id, d.title, d.dated_on, d.file_name, d.content_type, d.size_bytes, d.audience, d.class_name,
                   (SELECT count(*)::int FROM document_pupils dp WHERE dp.document_id = d.id),
                   (SELECT count(DISTINCT g.user_id)::int FROM document_pupils dp JOIN guardianships g ON g.pupil_id = dp.pupil_id
                    WHERE dp.document_id = d.id),
                   (SELECT count(*)::int FROM document_reads r WHERE r.document_id = d.id),
                   d.uploaded_at
            FROM documents d WHERE d.school_id = @school
            ORDER BY d.dated_on DESC, d.uploaded_at DESC
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var documents = new List<SchoolDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(new SchoolDocument(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt64(5), Enum.Parse<DocumentAudience>(reader.GetString(6), ignoreCase: true),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10),
                reader.GetFieldValue<DateTimeOffset>(11)));
        }
        return documents;
    }

    public async Task<SchoolDocument?> FindAsync(Guid schoolId, Guid id, CancellationToken cancellationToken = default) =>
        (await ListAsync(schoolId, cancellationToken)).FirstOrDefault(d => d.Id == id);

    /// <summary>Every guardian of every pupil the document went to, opened or not (a pupil without a guardian shows once, alone).</summary>
    public async Task<IReadOnlyList<DocumentReceipt>> ReceiptsAsync(Guid schoolId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.first_name || ' ' || p.last_name, p.class_name, u.id, u.first_name || ' ' || u.last_name, r.opened_at
            FROM document_pupils dp
            JOIN documents d ON d.id = dp.document_id AND d.school_id = @school
            JOIN pupils p ON p.id = dp.pupil_id
            LEFT JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
            LEFT JOIN users u ON u.id = g.user_id
            LEFT JOIN document_reads r ON r.document_id = dp.document_id AND r.user_id = u.id
            WHERE dp.document_id = @id
            ORDER BY p.class_name, p.last_name, p.first_name, u.last_name, u.first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var receipts = new List<DocumentReceipt>();
        while (await reader.ReadAsync(cancellationToken))
        {
            receipts.Add(new DocumentReceipt(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return receipts;
    }

    /// <summary>
    /// The child's documents for this guardian, newest first, with the child's invoices when <paramref name="withInvoices"/>
    /// (the school bills through ItSchool), the confirmations of its orders when <paramref name="withOrders"/> and the summary
    /// of each meeting evening where it has an appointment when <paramref name="withMeetings"/>, the confirmations of its
    /// textbook lists when <paramref name="withTextbooks"/>; only the unread ones when <paramref name="unreadOnly"/>.
    /// </summary>
    public async Task<IReadOnlyList<ChildDocument>> ForChildAsync(Guid schoolId, Guid pupilId, Guid guardianId, bool withInvoices, bool withOrders,
        bool withMeetings, bool withTextbooks, bool unreadOnly, int limit, CancellationToken cancellationToken = default)
    {
        // An order's title is what it holds ("T-shirt S, Gourde"), the form's title beside it. A meetings summary is read
        // only if opened since the child's last booking that evening: a new appointment is news the summary did not say.
        await using var command = db.CreateCommand("""
            SELECT * FROM (
                SELECT d.id, d.title, d.dated_on, d.uploaded_at, NULL::text AS number, r.opened_at, NULL::uuid AS form_id, NULL::text AS form_title,
                       NULL::uuid AS evening_id, NULL::uuid AS list_id
                FROM document_pupils dp
                JOIN documents d ON d.id = dp.document_id AND d.school_id = @school
                LEFT JOIN document_reads r ON r.document_id = d.id AND r.user_id = @guardian
                WHERE dp.pupil_id = @pupil
                UNION ALL
                SELECT i.id, i.label, i.issued_on, i.created_at, i.number, r.opened_at, NULL, NULL, NULL, NULL
                FROM invoices i
                LEFT JOIN invoice_reads r ON r.invoice_id = i.id AND r.user_id = @guardian
                WHERE @invoices AND i.school_id = @school AND i.pupil_id = @pupil
                UNION ALL
                SELECT o.id,
                       COALESCE((SELECT string_agg(btrim(l.label || ' ' || l.option), ', ' ORDER BY l.position) FROM order_lines l WHERE l.order_id = o.id), f.title),
                       (o.placed_at AT TIME ZONE 'Europe/Brussels')::date, o.placed_at, NULL, r.opened_at, f.id, f.title, NULL, NULL
                FROM orders o
                JOIN order_forms f ON f.id = o.form_id
                LEFT JOIN order_reads r ON r.order_id = o.id AND r.user_id = @guardian
                WHERE @orders AND o.school_id = @school AND o.pupil_id = @pupil
                UNION ALL
                SELECT e.id, e.name, e.days[1], max(a.booked_at), NULL,
                       CASE WHEN r.opened_at >= max(a.booked_at) THEN r.opened_at END, NULL, NULL, e.id, NULL
                FROM meeting_evenings e
                JOIN meeting_appointments a ON a.evening_id = e.id AND a.pupil_id = @pupil
                LEFT JOIN meeting_summary_reads r ON r.evening_id = e.id AND r.pupil_id = @pupil AND r.user_id = @guardian
                WHERE @meetings AND e.school_id = @school
                GROUP BY e.id, e.name, e.days, r.opened_at
                UNION ALL
                SELECT c.id, l.class_name || ' ' || l.school_year || '-' || (l.school_year + 1), (c.confirmed_at AT TIME ZONE 'Europe/Brussels')::date,
                       c.confirmed_at, NULL, r.opened_at, NULL, NULL, NULL, l.id
                FROM textbook_confirmations c
                JOIN textbook_lists l ON l.id = c.list_id
                LEFT JOIN textbook_reads r ON r.confirmation_id = c.id AND r.user_id = @guardian
                WHERE @textbooks AND c.school_id = @school AND c.pupil_id = @pupil AND c.status = 'confirmed'
            ) AS shown
            WHERE NOT @unread OR opened_at IS NULL
            ORDER BY dated_on DESC, uploaded_at DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("invoices", withInvoices);
        command.Parameters.AddWithValue("orders", withOrders);
        command.Parameters.AddWithValue("meetings", withMeetings);
        command.Parameters.AddWithValue("textbooks", withTextbooks);
        command.Parameters.AddWithValue("unread", unreadOnly);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var documents = new List<ChildDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(new ChildDocument(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetGuid(8),
                reader.IsDBNull(9) ? null : reader.GetGuid(9)));
        }
        return documents;
    }

    /// <summary>The document if it went to this pupil of this school; then, when a guardian is named, marks it opened by them (the first time counts).</summary>
    public async Task<StoredDocument?> OpenForChildAsync(Guid schoolId, Guid pupilId, Guid id, Guid guardianId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (
                SELECT d.id, d.title, d.file_name, d.content_type, d.size_bytes
                FROM documents d JOIN document_pupils dp ON dp.document_id = d.id AND dp.pupil_id = @pupil
                WHERE d.id = @id AND d.school_id = @school),
            marked AS (
                INSERT INTO document_reads (document_id, user_id, opened_at)
                SELECT id, @guardian, @now FROM found
                ON CONFLICT DO NOTHING)
            SELECT id, title, file_name, content_type, size_bytes FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("now", now);
        return await ReadStoredAsync(command, cancellationToken);
    }

    /// <summary>The document for the school's own download (no read is marked: the school is not a reader).</summary>
    public async Task<StoredDocument?> FindStoredAsync(Guid schoolId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id, title, file_name, content_type, size_bytes FROM documents WHERE id = @id AND school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("id", id);
        return await ReadStoredAsync(command, cancellationToken);
    }

    static async Task<StoredDocument?> ReadStoredAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredDocument(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4))
            : null;
    }

    /// <summary>Marks the child's invoice opened by this guardian; false when it is not this child's invoice in this school.</summary>
    public async Task<bool> OpenInvoiceAsync(Guid schoolId, Guid pupilId, Guid invoiceId, Guid guardianId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (SELECT id FROM invoices WHERE id = @id AND school_id = @school AND pupil_id = @pupil),
            marked AS (
                INSERT INTO invoice_reads (invoice_id, user_id, opened_at) SELECT id, @guardian, @now FROM found
                ON CONFLICT DO NOTHING)
            SELECT count(*)::int FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("id", invoiceId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>Writes the content to <paramref name="destination"/> a chunk at a time, in order.</summary>
    public async Task CopyContentAsync(Guid id, Stream destination, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT data FROM document_chunks WHERE document_id = @id ORDER BY position");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var chunk = await reader.GetStreamAsync(0, cancellationToken);
            await chunk.CopyToAsync(destination, cancellationToken);
        }
    }

    /// <summary>The school's pupils by class and name, for the upload form's choice of recipients.</summary>
    public async Task<IReadOnlyList<Pupil>> PupilsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id, school_id, first_name, last_name, class_name FROM pupils WHERE school_id = @school ORDER BY class_name, last_name, first_name");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<Pupil>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add(new Pupil(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return pupils;
    }

    /// <summary>The school's pupils among <paramref name="ids"/> (a forged id of another school's pupil is simply not among them).</summary>
    public async Task<IReadOnlyList<Guid>> PupilsOfSchoolAsync(Guid schoolId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default) =>
        await PupilIdsAsync("SELECT id FROM pupils WHERE school_id = @school AND id = ANY(@ids)", schoolId, ids.ToArray(), null, cancellationToken);

    public async Task<IReadOnlyList<Guid>> PupilsOfClassAsync(Guid schoolId, string className, CancellationToken cancellationToken = default) =>
        await PupilIdsAsync("SELECT id FROM pupils WHERE school_id = @school AND class_name = @class", schoolId, [], className, cancellationToken);

    public async Task<IReadOnlyList<Guid>> PupilsOfWholeSchoolAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        await PupilIdsAsync("SELECT id FROM pupils WHERE school_id = @school", schoolId, [], null, cancellationToken);

    async Task<IReadOnlyList<Guid>> PupilIdsAsync(string sql, Guid schoolId, Guid[] ids, string? className, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("class", className ?? "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    /// <summary>"Relancer": each guardian (with an address, account active) who has not opened the document (<see cref="GuardianReminders"/>).</summary>
    public Task<ReminderOutcome?> RemindAsync(Guid schoolId, Guid id, string sentBy, DateTimeOffset now, TimeSpan window,
        Func<RemindedGuardian, Notifications.Notification> compose, CancellationToken cancellationToken = default) =>
        GuardianReminders.SendAsync(db, Reminders, schoolId, id, sentBy, now, window, compose, cancellationToken);

    /// <summary>The last reminder's moment, if any, for the receipts page.</summary>
    public Task<DateTimeOffset?> LastReminderAsync(Guid id, CancellationToken cancellationToken = default) =>
        GuardianReminders.LastAsync(db, Reminders, id, cancellationToken);

    static readonly ReminderKind Reminders = new("documents", "document_reminders", "document_id", """
        SELECT DISTINCT ON (u.id) u.id, u.first_name, u.first_name || ' ' || u.last_name, u.email, p.first_name
        FROM document_pupils dp
        JOIN pupils p ON p.id = dp.pupil_id
        JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
        JOIN users u ON u.id = g.user_id
        WHERE dp.document_id = @id AND u.email IS NOT NULL AND btrim(u.email) <> '' AND u.deactivated_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM document_reads r WHERE r.document_id = @id AND r.user_id = u.id)
        ORDER BY u.id, p.first_name
        """);
}