using System.Text.Json;
using ItSchool.Mail;
using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Textbooks;

/// <summary>A list as the school's overview shows it: how many pupils the class has and how many answered.</summary>
public sealed record TextbookListSummary(Guid Id, string ClassName, int SchoolYear, DateOnly OpensOn, DateOnly ClosesOn, int Items, int Pupils, int Answered)
{
    public string Year => $"{SchoolYear}-{SchoolYear + 1}";
}

/// <summary>A pupil of the list's class, with the family's answer if there is one.</summary>
public sealed record TextbookAnswer(Guid PupilId, string FirstName, string LastName, TextbookConfirmation? Confirmation);

/// <summary>A guardian of a pupil who has not answered, for the reminder.</summary>

/// <summary>
/// The textbook lists as the school writes them, the families' answers and the school's marks. Each rule that must hold
/// under concurrent clicks is one statement or one transaction here: one confirmed answer per pupil and list (a unique
/// index), an item handed out or returned once (an update that changes a row only the first time). The money an answer
/// moves is <see cref="TextbookConfirmations"/>'.
/// </summary>
public sealed class TextbookStore(NpgsqlDataSource db)
{
    const string ConfirmationColumns = """
        c.id, c.list_id, c.school_id, c.pupil_id, c.payment, c.compartment, c.invoice_id, c.total_cents, c.confirmed_by_id, c.confirmed_by_name,
        c.confirmed_at,
        COALESCE((SELECT jsonb_agg(jsonb_build_object('id', x.item_id, 'choice', x.choice, 'title', x.title, 'publisher', x.publisher, 'isbn', x.isbn,
                    'price', x.price_cents, 'rental', x.rental, 'deposit', x.deposit_cents, 'returnOn', x.return_on,
                    'compulsory', x.compulsory, 'handedOut', x.handed_out_at, 'returned', x.returned_at) ORDER BY x.position)
                  FROM textbook_choices x WHERE x.confirmation_id = c.id), '[]'::jsonb)::text
        """;

    public async Task<IReadOnlyList<TextbookListSummary>> ListsAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT l.id, l.class_name, l.school_year, l.opens_on, l.closes_on,
                   (SELECT count(*)::int FROM textbook_items i WHERE i.list_id = l.id),
                   (SELECT count(*)::int FROM pupils p WHERE p.school_id = l.school_id AND p.class_name = l.class_name),
                   (SELECT count(*)::int FROM textbook_confirmations c WHERE c.list_id = l.id AND c.status = 'confirmed')
            FROM textbook_lists l WHERE l.school_id = @school
            ORDER BY l.school_year DESC, l.class_name, l.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lists = new List<TextbookListSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add(new TextbookListSummary(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateOnly>(3),
                reader.GetFieldValue<DateOnly>(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
        }
        return lists;
    }

    /// <summary>The school's list with its items in order; null when the school has no list of this id.</summary>
    public async Task<TextbookList?> FindAsync(Guid schoolId, Guid listId, CancellationToken cancellationToken = default) =>
        (await LoadAsync("l.school_id = @school AND l.id = @list", schoolId, listId, null, cancellationToken)).SingleOrDefault();

    /// <summary>The lists of the pupil's class in its school, the latest school year first.</summary>
    public async Task<IReadOnlyList<TextbookList>> ForPupilAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default) =>
        await LoadAsync("l.school_id = @school AND l.class_name = (SELECT class_name FROM pupils WHERE id = @pupil AND school_id = @school)",
            schoolId, Guid.Empty, pupilId, cancellationToken);

    async Task<IReadOnlyList<TextbookList>> LoadAsync(string where, Guid schoolId, Guid listId, Guid? pupilId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            SELECT l.id, l.school_id, l.class_name, l.school_year, l.opens_on, l.closes_on, l.payment, l.compartment, l.due_days,
                   COALESCE((SELECT jsonb_agg(jsonb_build_object('id', i.id, 'title', i.title, 'publisher', i.publisher, 'isbn', i.isbn,
                               'price', i.price_cents, 'rental', i.rental, 'deposit', i.deposit_cents, 'returnOn', i.return_on,
                               'compulsory', i.compulsory) ORDER BY i.position)
                             FROM textbook_items i WHERE i.list_id = l.id), '[]'::jsonb)::text
            FROM textbook_lists l WHERE {where}
            ORDER BY l.school_year DESC, l.opens_on DESC, l.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("list", listId);
        command.Parameters.AddWithValue("pupil", pupilId ?? Guid.Empty);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lists = new List<TextbookList>();
        while (await reader.ReadAsync(cancellationToken))
        {
            using var items = JsonDocument.Parse(reader.GetString(9));
            lists.Add(new TextbookList(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateOnly>(4),
                reader.GetFieldValue<DateOnly>(5), LedgerNames.FromDatabase<TextbookPayment>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetInt16(7), reader.GetInt32(8),
                [.. items.RootElement.EnumerateArray().Select(Item)]));
        }
        return lists;
    }

    /// <summary>
    /// Writes a new list or a change to one, after checking every field (each problem named at once). Once a family has
    /// answered, the items are what it answered to: they can no longer change, only the dates and the due days can.
    /// </summary>
    public async Task<TextbookSaved> SaveAsync(TextbookListDraft draft, bool isNew, IReadOnlyCollection<string> classes, IReadOnlySet<int> compartments,
        string by, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var problems = Check(draft, classes, compartments);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        TextbookList? existing = null;
        if (!isNew)
        {
            existing = await FindAsync(draft.SchoolId, draft.Id, cancellationToken);
            if (existing is null)
            {
                return new TextbookSaved(null, [new("", "Unknown")]);
            }
            // The answers count is read under the list's lock, so an answer cannot slip in between this check and the write.
            await using var lockList = new NpgsqlCommand("""
                SELECT count(*)::int FROM textbook_confirmations WHERE list_id = (SELECT id FROM textbook_lists WHERE id = @id FOR UPDATE)
                """, connection, transaction);
            lockList.Parameters.AddWithValue("id", draft.Id);
            var answered = (int)(await lockList.ExecuteScalarAsync(cancellationToken))!;
            if (answered > 0 && !SameItems(existing, draft))
            {
                problems.Add(new("", "ItemsLocked"));
            }
            if (answered > 0 && (existing.ClassName != draft.ClassName || existing.SchoolYear != draft.SchoolYear || existing.Payment != draft.Payment
                || existing.Compartment != (draft.Payment == TextbookPayment.Wallet ? draft.Compartment : null)))
            {
                problems.Add(new("", "PaymentLocked"));
            }
        }
        await using (var duplicate = new NpgsqlCommand("""
            SELECT count(*)::int FROM textbook_lists WHERE school_id = @school AND class_name = @class AND school_year = @year AND id <> @id
            """, connection, transaction))
        {
            duplicate.Parameters.AddWithValue("school", draft.SchoolId);
            duplicate.Parameters.AddWithValue("class", draft.ClassName);
            duplicate.Parameters.AddWithValue("year", draft.SchoolYear);
            duplicate.Parameters.AddWithValue("id", draft.Id);
            if ((int)(await duplicate.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                problems.Add(new("Class", "Duplicate"));
            }
        }
        if (problems.Count > 0)
        {
            return new TextbookSaved(null, problems);
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        var list = new NpgsqlBatchCommand(isNew
            ? """
              INSERT INTO textbook_lists (id, school_id, class_name, school_year, opens_on, closes_on, payment, compartment, due_days, created_by, created_at)
              VALUES (@id, @school, @class, @year, @opens, @closes, @payment, @compartment, @due, @by, @now)
              """
            : """
              UPDATE textbook_lists SET class_name = @class, school_year = @year, opens_on = @opens, closes_on = @closes, payment = @payment,
                     compartment = @compartment, due_days = @due
              WHERE id = @id AND school_id = @school
              """);
        list.Parameters.AddWithValue("id", draft.Id);
        list.Parameters.AddWithValue("school", draft.SchoolId);
        list.Parameters.AddWithValue("class", draft.ClassName);
        list.Parameters.AddWithValue("year", draft.SchoolYear);
        list.Parameters.AddWithValue("opens", draft.OpensOn!.Value);
        list.Parameters.AddWithValue("closes", draft.ClosesOn!.Value);
        list.Parameters.AddWithValue("payment", LedgerNames.ToDatabase(draft.Payment!.Value));
        list.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlDbType.Smallint)
        {
            Value = draft.Payment == TextbookPayment.Wallet ? (short)draft.Compartment!.Value : DBNull.Value,
        });
        list.Parameters.AddWithValue("due", draft.DueDays ?? 14);
        list.Parameters.AddWithValue("by", by);
        list.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(list);
        // The items are written again whole: no answer refers to them yet (or they did not change, see above).
        var delete = new NpgsqlBatchCommand("DELETE FROM textbook_items WHERE list_id = @id");
        delete.Parameters.AddWithValue("id", draft.Id);
        batch.BatchCommands.Add(delete);
        var items = new NpgsqlBatchCommand("""
            INSERT INTO textbook_items (id, list_id, position, title, publisher, isbn, price_cents, rental, deposit_cents, return_on, compulsory)
            SELECT id, @list, position, title, publisher, isbn, price, rental, deposit, return_on, compulsory
            FROM unnest(@ids, @positions, @titles, @publishers, @isbns, @prices, @rentals, @deposits, @returns, @compulsory)
                 AS t(id, position, title, publisher, isbn, price, rental, deposit, return_on, compulsory)
            """);
        // An item keeps its id only if it is this list's: a forged id of another list's item is a new item.
        var rows = draft.Items.Select((item, position) => (Id: item.Id is { } known && existing?.Item(known) is not null ? known : Guid.CreateVersion7(now),
            Position: position, Item: item)).ToList();
        items.Parameters.AddWithValue("list", draft.Id);
        items.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
        items.Parameters.AddWithValue("positions", rows.Select(r => r.Position).ToArray());
        items.Parameters.AddWithValue("titles", rows.Select(r => r.Item.Title).ToArray());
        items.Parameters.AddWithValue("publishers", rows.Select(r => r.Item.Publisher).ToArray());
        items.Parameters.Add(new NpgsqlParameter("isbns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => Isbn.Normalize(r.Item.Isbn)).ToArray() });
        items.Parameters.AddWithValue("prices", rows.Select(r => r.Item.PriceCents).ToArray());
        items.Parameters.AddWithValue("rentals", rows.Select(r => r.Item.Rental).ToArray());
        items.Parameters.AddWithValue("deposits", rows.Select(r => r.Item.Rental ? r.Item.DepositCents : 0).ToArray());
        items.Parameters.Add(new NpgsqlParameter("returns", NpgsqlDbType.Array | NpgsqlDbType.Date)
        {
            Value = rows.Select(r => r.Item.Rental ? r.Item.ReturnOn : null).ToArray(),
        });
        items.Parameters.AddWithValue("compulsory", rows.Select(r => r.Item.Compulsory).ToArray());
        batch.BatchCommands.Add(items);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TextbookSaved(draft.Id, []);
    }

    static List<TextbookProblem> Check(TextbookListDraft draft, IReadOnlyCollection<string> classes, IReadOnlySet<int> compartments)
    {
        var problems = new List<TextbookProblem>();
        if (!classes.Contains(draft.ClassName))
        {
            problems.Add(new("Class", "Unknown"));
        }
        if (draft.SchoolYear is < 2000 or > 2200)
        {
            problems.Add(new("Year", "Invalid"));
        }
        if (draft.OpensOn is null)
        {
            problems.Add(new("Opens", "Invalid"));
        }
        if (draft.ClosesOn is null || draft.ClosesOn < draft.OpensOn)
        {
            problems.Add(new("Closes", draft.ClosesOn is null ? "Invalid" : "BeforeOpens"));
        }
        if (draft.Payment is null || (draft.Payment == TextbookPayment.Wallet && (draft.Compartment is not { } c || !compartments.Contains(c))))
        {
            problems.Add(new("Payment", "Invalid"));
        }
        if (draft.DueDays is not (>= 0 and <= 120))
        {
            problems.Add(new("DueDays", "Invalid"));
        }
        if (draft.Items.Count == 0)
        {
            problems.Add(new("", "NoItems"));
        }
        if (draft.Items.Count > TextbookLimits.MaxItems)
        {
            problems.Add(new("", "TooManyItems"));
        }
        for (var i = 0; i < draft.Items.Count; i++)
        {
            var item = draft.Items[i];
            if (item.Title.Trim().Length is 0 or > TextbookLimits.Title)
            {
                problems.Add(new($"I{i}.Title", "Invalid"));
            }
            if (item.Publisher.Length > TextbookLimits.Publisher)
            {
                problems.Add(new($"I{i}.Publisher", "Invalid"));
            }
            if (item.Isbn.Trim().Length > 0 && Isbn.Normalize(item.Isbn) is null)
            {
                problems.Add(new($"I{i}.Isbn", "Invalid"));
            }
            if (item.PriceCents is < 0 or > TextbookLimits.MaxPriceCents)
            {
                problems.Add(new($"I{i}.Price", "Invalid"));
            }
            if (item.Rental && item.DepositCents is < 0 or > TextbookLimits.MaxPriceCents)
            {
                problems.Add(new($"I{i}.Deposit", "Invalid"));
            }
            if (item.Rental && (item.ReturnOn is null || item.ReturnOn < draft.ClosesOn))
            {
                problems.Add(new($"I{i}.ReturnOn", item.ReturnOn is null ? "Invalid" : "BeforeCloses"));
            }
        }
        return problems;
    }

    static bool SameItems(TextbookList list, TextbookListDraft draft) =>
        list.Items.Count == draft.Items.Count && list.Items.Zip(draft.Items).All(pair => pair.First.Id == pair.Second.Id
            && pair.First.Title == pair.Second.Title && pair.First.Publisher == pair.Second.Publisher && pair.First.Isbn == Isbn.Normalize(pair.Second.Isbn)
            && pair.First.PriceCents == pair.Second.PriceCents && pair.First.Rental == pair.Second.Rental
            && pair.First.DepositCents == (pair.Second.Rental ? pair.Second.DepositCents : 0)
            && pair.First.ReturnOn == (pair.Second.Rental ? pair.Second.ReturnOn : null) && pair.First.Compulsory == pair.Second.Compulsory);

    /// <summary>The pupil's confirmed answer on the list, or null.</summary>
    public async Task<TextbookConfirmation?> ConfirmationAsync(Guid schoolId, Guid listId, Guid pupilId, CancellationToken cancellationToken = default) =>
        (await ConfirmationsAsync("c.school_id = @school AND c.list_id = @list AND c.pupil_id = @pupil", schoolId, listId, pupilId,
            cancellationToken)).SingleOrDefault();

    /// <summary>A confirmed answer on the school's list, by its id; null when there is none.</summary>
    public async Task<TextbookConfirmation?> FindConfirmationAsync(Guid schoolId, Guid listId, Guid confirmationId, CancellationToken cancellationToken = default) =>
        (await ConfirmationsAsync("c.school_id = @school AND c.list_id = @list AND c.id = @id", schoolId, listId, Guid.Empty, cancellationToken,
            confirmationId)).SingleOrDefault();

    /// <summary>The pupil's confirmed answers on every list of the school.</summary>
    public Task<IReadOnlyList<TextbookConfirmation>> PupilConfirmationsAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default) =>
        ConfirmationsAsync("c.school_id = @school AND c.pupil_id = @pupil", schoolId, Guid.Empty, pupilId, cancellationToken);

    async Task<IReadOnlyList<TextbookConfirmation>> ConfirmationsAsync(string where, Guid schoolId, Guid listId, Guid pupilId,
        CancellationToken cancellationToken, Guid confirmationId = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {ConfirmationColumns} FROM textbook_confirmations c WHERE c.status = 'confirmed' AND {where} ORDER BY c.confirmed_at DESC, c.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("list", listId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("id", confirmationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<TextbookConfirmation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(ReadConfirmation(reader, 0));
        }
        return found;
    }

    /// <summary>
    /// Writes the answer, unless the pupil already has a confirmed one on this list: then that one is answered and this one
    /// is not written (the unique index decides between two clicks at once). Null when the school changed the list's items
    /// since the family read them: the list's row is shared-locked here and locked by a save, so an answer is written
    /// either before a save (which then finds it and keeps the items) or after it, against the items it wrote.
    /// </summary>
    public async Task<(TextbookConfirmation? Confirmation, bool Written)> InsertAsync(TextbookConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var same = new NpgsqlCommand("""
            SELECT (SELECT count(*)::int FROM textbook_items WHERE list_id = l.id),
                   (SELECT count(*)::int FROM textbook_items i
                    JOIN unnest(@ids, @prices, @deposits, @rentals, @compulsory) AS a(id, price, deposit, rental, compulsory)
                      ON a.id = i.id AND a.price = i.price_cents AND a.deposit = i.deposit_cents AND a.rental = i.rental AND a.compulsory = i.compulsory
                    WHERE i.list_id = l.id)
            FROM textbook_lists l WHERE l.id = @list FOR SHARE
            """, connection, transaction))
        {
            var items = confirmation.Items.Select(c => c.Item).ToList();
            same.Parameters.AddWithValue("list", confirmation.ListId);
            same.Parameters.AddWithValue("ids", items.Select(i => i.Id).ToArray());
            same.Parameters.AddWithValue("prices", items.Select(i => i.PriceCents).ToArray());
            same.Parameters.AddWithValue("deposits", items.Select(i => i.DepositCents).ToArray());
            same.Parameters.AddWithValue("rentals", items.Select(i => i.Rental).ToArray());
            same.Parameters.AddWithValue("compulsory", items.Select(i => i.Compulsory).ToArray());
            await using var reader = await same.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.GetInt32(0) != items.Count || reader.GetInt32(1) != items.Count)
            {
                return (null, false);
            }
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO textbook_confirmations (id, list_id, school_id, pupil_id, status, payment, compartment, invoice_id, total_cents,
                                                confirmed_by_id, confirmed_by_name, confirmed_at)
            VALUES (@id, @list, @school, @pupil, 'confirmed', @payment, @compartment, @invoice, @total, @by_id, @by_name, @at)
            ON CONFLICT (list_id, pupil_id) WHERE status = 'confirmed' DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", confirmation.Id);
            insert.Parameters.AddWithValue("list", confirmation.ListId);
            insert.Parameters.AddWithValue("school", confirmation.SchoolId);
            insert.Parameters.AddWithValue("pupil", confirmation.PupilId);
            insert.Parameters.AddWithValue("payment", LedgerNames.ToDatabase(confirmation.Payment));
            insert.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlDbType.Smallint) { Value = confirmation.Compartment is { } c ? (short)c : DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("invoice", NpgsqlDbType.Uuid) { Value = (object?)confirmation.InvoiceId ?? DBNull.Value });
            insert.Parameters.AddWithValue("total", confirmation.TotalCents);
            insert.Parameters.Add(new NpgsqlParameter("by_id", NpgsqlDbType.Text) { Value = (object?)confirmation.ConfirmedBy.Id ?? DBNull.Value });
            insert.Parameters.AddWithValue("by_name", confirmation.ConfirmedBy.Name ?? "");
            insert.Parameters.AddWithValue("at", confirmation.ConfirmedAt);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var existing = await ConfirmationAsync(confirmation.SchoolId, confirmation.ListId, confirmation.PupilId, cancellationToken);
                return (existing ?? throw new InvalidOperationException("An answer conflicted with one that is not there."), false);
            }
        }
        await using (var choices = new NpgsqlCommand("""
            INSERT INTO textbook_choices (confirmation_id, item_id, position, choice, title, publisher, isbn, price_cents, rental, deposit_cents, return_on,
                                          compulsory)
            SELECT @id, * FROM unnest(@items, @positions, @choices, @titles, @publishers, @isbns, @prices, @rentals, @deposits, @returns, @compulsory)
            """, connection, transaction))
        {
            var items = confirmation.Items;
            choices.Parameters.AddWithValue("id", confirmation.Id);
            choices.Parameters.AddWithValue("items", items.Select(i => i.Item.Id).ToArray());
            choices.Parameters.AddWithValue("positions", Enumerable.Range(0, items.Count).ToArray());
            choices.Parameters.AddWithValue("choices", items.Select(i => LedgerNames.ToDatabase(i.Choice)).ToArray());
            choices.Parameters.AddWithValue("titles", items.Select(i => i.Item.Title).ToArray());
            choices.Parameters.AddWithValue("publishers", items.Select(i => i.Item.Publisher).ToArray());
            choices.Parameters.Add(new NpgsqlParameter("isbns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Item.Isbn).ToArray() });
            choices.Parameters.AddWithValue("prices", items.Select(i => i.Item.PriceCents).ToArray());
            choices.Parameters.AddWithValue("rentals", items.Select(i => i.Item.Rental).ToArray());
            choices.Parameters.AddWithValue("deposits", items.Select(i => i.Item.DepositCents).ToArray());
            choices.Parameters.Add(new NpgsqlParameter("returns", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = items.Select(i => i.Item.ReturnOn).ToArray() });
            choices.Parameters.AddWithValue("compulsory", items.Select(i => i.Item.Compulsory).ToArray());
            await choices.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (confirmation, true);
    }

    /// <summary>Whether the answer's payment is all there: its invoice issued, or every one of its wallet debits (<paramref name="debitKeys"/>) in the ledger.</summary>
    public async Task<bool> PaidAsync(TextbookConfirmation confirmation, IReadOnlyList<string> debitKeys, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(confirmation.Payment == TextbookPayment.Invoice
            ? "SELECT count(*)::int FROM invoices WHERE id = @invoice"
            : "SELECT count(DISTINCT idempotency_key)::int FROM ledger_entries WHERE pupil_id = @pupil AND idempotency_key = ANY(@keys)");
        command.Parameters.AddWithValue("invoice", confirmation.InvoiceId ?? Guid.Empty);
        command.Parameters.AddWithValue("pupil", confirmation.PupilId);
        command.Parameters.AddWithValue("keys", debitKeys.ToArray());
        var found = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return confirmation.Payment == TextbookPayment.Invoice ? found == 1 : found == debitKeys.Count;
    }

    /// <summary>A wallet answer whose debit was declined: no longer the pupil's answer, so the family may answer again.</summary>
    public async Task DeclineAsync(Guid confirmationId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE textbook_confirmations SET status = 'declined' WHERE id = @id");
        command.Parameters.AddWithValue("id", confirmationId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every pupil of the list's class, by name, with the family's answer if there is one.</summary>
    public async Task<IReadOnlyList<TextbookAnswer>> AnswersAsync(TextbookList list, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT p.id, p.first_name, p.last_name, c.id IS NOT NULL, {ConfirmationColumns}
            FROM pupils p
            LEFT JOIN textbook_confirmations c ON c.pupil_id = p.id AND c.list_id = @list AND c.status = 'confirmed'
            WHERE p.school_id = @school AND p.class_name = @class
            ORDER BY p.last_name, p.first_name, p.id
            """);
        command.Parameters.AddWithValue("school", list.SchoolId);
        command.Parameters.AddWithValue("list", list.Id);
        command.Parameters.AddWithValue("class", list.ClassName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var answers = new List<TextbookAnswer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            answers.Add(new TextbookAnswer(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3) ? ReadConfirmation(reader, 4) : null));
        }
        return answers;
    }

    /// <summary>"Relancer": each guardian (with an address, account active) of each pupil of the class who has no answer (<see cref="GuardianReminders"/>).</summary>
    public Task<ReminderOutcome?> RemindAsync(Guid schoolId, Guid listId, string sentBy, DateTimeOffset now, TimeSpan window,
        Func<RemindedGuardian, Notifications.Notification> compose, CancellationToken cancellationToken = default) =>
        GuardianReminders.SendAsync(db, Reminders, schoolId, listId, sentBy, now, window, compose, cancellationToken);

    public Task<DateTimeOffset?> LastReminderAsync(Guid listId, CancellationToken cancellationToken = default) =>
        GuardianReminders.LastAsync(db, Reminders, listId, cancellationToken);

    static readonly ReminderKind Reminders = new("textbook_lists", "textbook_reminders", "list_id", """
        SELECT DISTINCT ON (u.id) u.id, u.first_name, u.first_name || ' ' || u.last_name, u.email, p.first_name
        FROM textbook_lists l
        JOIN pupils p ON p.school_id = l.school_id AND p.class_name = l.class_name
        JOIN guardianships g ON g.pupil_id = p.id AND g.school_id = p.school_id
        JOIN users u ON u.id = g.user_id
        WHERE l.id = @id AND u.email IS NOT NULL AND btrim(u.email) <> '' AND u.deactivated_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM textbook_confirmations c WHERE c.list_id = l.id AND c.pupil_id = p.id AND c.status = 'confirmed')
        ORDER BY u.id, p.first_name
        """);

    /// <summary>Marks an ordered item of the answer handed out; false when the answer has no such ordered item on this list and school.</summary>
    public async Task<bool> MarkHandedOutAsync(Guid schoolId, Guid listId, Guid confirmationId, Guid itemId, string by, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (
                SELECT x.confirmation_id, x.item_id FROM textbook_choices x
                JOIN textbook_confirmations c ON c.id = x.confirmation_id AND c.school_id = @school AND c.list_id = @list AND c.status = 'confirmed'
                WHERE x.confirmation_id = @confirmation AND x.item_id = @item AND x.choice = 'order'),
            marked AS (
                UPDATE textbook_choices x SET handed_out_at = @now, handed_out_by = @by
                FROM found WHERE x.confirmation_id = found.confirmation_id AND x.item_id = found.item_id AND x.handed_out_at IS NULL)
            SELECT count(*)::int FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("list", listId);
        command.Parameters.AddWithValue("confirmation", confirmationId);
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>
    /// Marks a handed-out rental returned (the first time counts); answers the answer as it is now, or null when it has no
    /// such rental handed out on this list and school.
    /// </summary>
    public async Task<TextbookConfirmation?> MarkReturnedAsync(Guid schoolId, Guid listId, Guid confirmationId, Guid itemId, string by, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE textbook_choices x SET returned_at = @now, returned_by = @by
            FROM textbook_confirmations c
            WHERE c.id = x.confirmation_id AND c.school_id = @school AND c.list_id = @list AND c.status = 'confirmed'
              AND x.confirmation_id = @confirmation AND x.item_id = @item AND x.choice = 'order' AND x.rental AND x.handed_out_at IS NOT NULL
              AND x.returned_at IS NULL
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("list", listId);
        command.Parameters.AddWithValue("confirmation", confirmationId);
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        var confirmation = await FindConfirmationAsync(schoolId, listId, confirmationId, cancellationToken);
        return confirmation?.Items.FirstOrDefault(i => i.Item.Id == itemId) is { ReturnedAt: not null } ? confirmation : null;
    }

    /// <summary>Marks the pupil's answer's confirmation opened by this guardian (the first time counts); false when it is not this pupil's answer in this school.</summary>
    public async Task<bool> OpenConfirmationAsync(Guid schoolId, Guid pupilId, Guid confirmationId, Guid guardianId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (SELECT id FROM textbook_confirmations WHERE id = @id AND school_id = @school AND pupil_id = @pupil AND status = 'confirmed'),
            marked AS (
                INSERT INTO textbook_reads (confirmation_id, user_id, opened_at) SELECT id, @guardian, @now FROM found
                ON CONFLICT DO NOTHING)
            SELECT count(*)::int FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("id", confirmationId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    static TextbookConfirmation ReadConfirmation(NpgsqlDataReader reader, int at)
    {
        using var items = JsonDocument.Parse(reader.GetString(at + 11));
        return new TextbookConfirmation(reader.GetGuid(at), reader.GetGuid(at + 1), reader.GetGuid(at + 2), reader.GetGuid(at + 3),
            LedgerNames.FromDatabase<TextbookPayment>(reader.GetString(at + 4)), reader.IsDBNull(at + 5) ? null : reader.GetInt16(at + 5),
            reader.IsDBNull(at + 6) ? null : reader.GetGuid(at + 6), reader.GetInt64(at + 7),
            new Actor(ActorKind.User, reader.IsDBNull(at + 8) ? null : reader.GetString(at + 8), reader.GetString(at + 9)),
            reader.GetFieldValue<DateTimeOffset>(at + 10),
            [.. items.RootElement.EnumerateArray().Select(i => new ChosenItem(Item(i),
                LedgerNames.FromDatabase<TextbookChoice>(i.GetProperty("choice").GetString()!), Moment(i, "handedOut"), Moment(i, "returned")))]);
    }

    static TextbookItem Item(JsonElement i) => new(i.GetProperty("id").GetGuid(), i.GetProperty("title").GetString()!,
        i.GetProperty("publisher").GetString()!, i.GetProperty("isbn").ValueKind == JsonValueKind.Null ? null : i.GetProperty("isbn").GetString(),
        i.GetProperty("price").GetInt64(), i.GetProperty("rental").GetBoolean(), i.GetProperty("deposit").GetInt64(),
        i.GetProperty("returnOn").ValueKind == JsonValueKind.Null ? null : DateOnly.Parse(i.GetProperty("returnOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        i.GetProperty("compulsory").GetBoolean());

    static DateTimeOffset? Moment(JsonElement i, string name) =>
        i.GetProperty(name).ValueKind == JsonValueKind.Null ? null : i.GetProperty(name).GetDateTimeOffset();
}