using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Orders;

/// <summary>
/// A form as the school set it, and its orders as the form's grain decided them (written by the grain only: a wallet
/// order in the commit of its debit, see <see cref="OrderWritten"/>).
/// </summary>
public sealed class OrderStore(NpgsqlDataSource db)
{
    const string OrderColumns = """
        o.id, o.form_id, o.school_id, o.pupil_id, o.request_key, o.total_cents, o.payment, o.compartment, o.invoice_id, o.status,
        o.placed_by_kind, o.placed_by_id, o.placed_by_name, o.placed_at, o.cancelled_at, o.delivered_at,
        COALESCE((SELECT jsonb_agg(jsonb_build_array(l.article_code, l.option, l.label, l.quantity, l.unit_cents) ORDER BY l.position)
                  FROM order_lines l WHERE l.order_id = o.id), '[]'::jsonb)
        """;

    /// <summary>The form with its articles and their options, or null when no form has this id.</summary>
    public async Task<OrderForm?> LoadFormAsync(Guid formId, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("""
            SELECT school_id, kind, title, description, opens_on, closes_on, classes, payment, compartment, due_days, version
            FROM order_forms WHERE id = @form
            """));
        batch.BatchCommands.Add(Command("""
            SELECT a.code, a.label, a.price_cents, a.limit_per_pupil, a.withdrawn_at IS NOT NULL,
                   COALESCE(array_agg(o.option ORDER BY o.position, o.option) FILTER (WHERE o.option IS NOT NULL), '{}'),
                   COALESCE(array_agg(COALESCE(o.stock, -1) ORDER BY o.position, o.option) FILTER (WHERE o.option IS NOT NULL), '{}')
            FROM order_articles a
            LEFT JOIN order_article_options o ON o.form_id = a.form_id AND o.article_code = a.code
            WHERE a.form_id = @form
            GROUP BY a.code, a.label, a.price_cents, a.limit_per_pupil, a.withdrawn_at, a.position
            ORDER BY a.position, a.code
            """));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var schoolId = reader.GetGuid(0);
        var kind = LedgerNames.FromDatabase<OrderKind>(reader.GetString(1));
        var (title, description) = (reader.GetString(2), reader.GetString(3));
        var (opens, closes) = (reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5));
        IReadOnlyList<string>? classes = reader.IsDBNull(6) ? null : reader.GetFieldValue<string[]>(6);
        var payment = LedgerNames.FromDatabase<OrderPayment>(reader.GetString(7));
        int? compartment = reader.IsDBNull(8) ? null : reader.GetInt16(8);
        var (dueDays, version) = (reader.GetInt32(9), reader.GetInt32(10));
        await reader.NextResultAsync(cancellationToken);
        var articles = new List<OrderArticle>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var names = reader.GetFieldValue<string[]>(5);
            var stocks = reader.GetFieldValue<int[]>(6);
            var options = names.Length == 0 ? [new OrderOption("", null)]
                : names.Select((name, i) => new OrderOption(name, stocks[i] < 0 ? null : stocks[i])).ToList();
            articles.Add(new OrderArticle(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), options, reader.GetBoolean(4)));
        }
        return new OrderForm(formId, schoolId, kind, title, description, opens, closes, classes, payment, compartment, dueDays, articles, version);

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("form", formId);
            return command;
        }
    }

    public async Task<List<OrderView>> LoadOrdersAsync(Guid formId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {OrderColumns} FROM orders o WHERE o.form_id = @form ORDER BY o.placed_at, o.id");
        command.Parameters.AddWithValue("form", formId);
        return await ReadOrdersAsync(command, cancellationToken);
    }

    /// <summary>The pupil's orders on every form of the school, newest first: what the parents' pages and documents list.</summary>
    public async Task<List<OrderView>> PupilOrdersAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {OrderColumns} FROM orders o WHERE o.school_id = @school AND o.pupil_id = @pupil ORDER BY o.placed_at DESC, o.id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await ReadOrdersAsync(command, cancellationToken);
    }

    /// <summary>Every pupil of the school with its class.</summary>
    public async Task<Dictionary<Guid, string>> PupilClassesAsync(Guid schoolId)
    {
        await using var command = db.CreateCommand("SELECT id, class_name FROM pupils WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync();
        var classes = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            classes[reader.GetGuid(0)] = reader.GetString(1);
        }
        return classes;
    }

    /// <summary>The pupil's class when the pupil belongs to the school; null otherwise.</summary>
    public async Task<string?> PupilClassAsync(Guid schoolId, Guid pupilId)
    {
        await using var command = db.CreateCommand("SELECT class_name FROM pupils WHERE id = @pupil AND school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>An order paid by invoice, written before its invoice is issued (the grain issues it again after a crash).</summary>
    public async Task InsertAsync(OrderView order)
    {
        await using var batch = db.CreateBatch();
        foreach (var command in OrderWritten.Insert([order]))
        {
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>An order cancelled, before its refund or credit note (the grain sends them again after a crash).</summary>
    public async Task MarkCancelledAsync(Guid orderId, string by, DateTimeOffset at)
    {
        await using var command = db.CreateCommand("""
            UPDATE orders SET status = 'cancelled', cancelled_by = @by, cancelled_at = @at WHERE id = @id AND status = 'placed'
            """);
        command.Parameters.AddWithValue("id", orderId);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The form's cancelled orders whose money has not gone back: a wallet order without its refund in the ledger (key
    /// order-refund/{id}), an invoice order without its credit note (reference order-cancel/{id}).
    /// </summary>
    public async Task<List<Guid>> UnsettledCancellationsAsync(Guid formId)
    {
        await using var command = db.CreateCommand("""
            SELECT o.id FROM orders o
            WHERE o.form_id = @form AND o.status = 'cancelled' AND o.total_cents > 0 AND CASE o.payment
                WHEN 'wallet' THEN NOT EXISTS (SELECT 1 FROM ledger_entries e
                                               WHERE e.pupil_id = o.pupil_id AND e.idempotency_key = 'order-refund/' || o.id::text)
                ELSE NOT EXISTS (SELECT 1 FROM invoice_movements m
                                 WHERE m.invoice_id = o.invoice_id AND m.reference = 'credit/order-cancel/' || o.id::text)
            END
            """);
        command.Parameters.AddWithValue("form", formId);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>Orders handed out; a cancelled one is never marked.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<Guid> orderIds, string by, DateTimeOffset at)
    {
        await using var command = db.CreateCommand("""
            UPDATE orders SET delivered_by = @by, delivered_at = @at WHERE id = ANY(@ids) AND status = 'placed' AND delivered_at IS NULL
            """);
        command.Parameters.AddWithValue("ids", orderIds.ToArray());
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Which of these invoices exist: an invoice order without its invoice was interrupted before issuing it.</summary>
    public async Task<HashSet<Guid>> ExistingInvoicesAsync(IReadOnlyList<Guid> invoiceIds)
    {
        await using var command = db.CreateCommand("SELECT id FROM invoices WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", invoiceIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var found = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    static async Task<List<OrderView>> ReadOrdersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var orders = new List<OrderView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            orders.Add(Read(reader));
        }
        return orders;
    }

    static OrderView Read(NpgsqlDataReader reader)
    {
        using var lines = System.Text.Json.JsonDocument.Parse(reader.GetString(16));
        return new OrderView(
            reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4), [.. lines.RootElement.EnumerateArray()
                .Select(l => new OrderLine(l[0].GetString()!, l[1].GetString()!, l[2].GetString()!, l[3].GetInt32(), l[4].GetInt64()))],
            reader.GetInt64(5), LedgerNames.FromDatabase<OrderPayment>(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetInt16(7),
            reader.IsDBNull(8) ? null : reader.GetGuid(8), LedgerNames.FromDatabase<OrderStatus>(reader.GetString(9)),
            new Actor(LedgerNames.FromDatabase<ActorKind>(reader.GetString(10)), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetString(12)),
            reader.GetFieldValue<DateTimeOffset>(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
            reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15));
    }
}