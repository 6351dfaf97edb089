using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>
/// The invoice grain's durable side: the invoice row (kept queryable for lists), its lines, its append-only
/// movements, and the transfers it still owes the purse.
/// </summary>
public sealed class InvoiceStore(NpgsqlDataSource db)
{
    public async Task<InvoiceView?> LoadAsync(Guid id, DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT school_id, pupil_id, number, communication, label, issued_on, due_on, total_cents, paid_cents, credited_cents, flagged_cents
            FROM invoices WHERE id = @id;
            SELECT label, quantity, unit_cents FROM invoice_lines WHERE invoice_id = @id ORDER BY position;
            SELECT kind, method, reference, received_cents, applied_cents, excess_cents, excess_handling, payer, note, occurred_at
            FROM invoice_movements WHERE invoice_id = @id ORDER BY id;
            """, connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var (schoolId, pupilId, number, communication, label) =
            (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), StructuredCommunication.From(reader.GetInt64(3)), reader.GetString(4));
        var (issuedOn, dueOn) = (reader.GetFieldValue<DateOnly>(5), reader.GetFieldValue<DateOnly>(6));
        var (total, paid, credited, flagged) = (reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10));

        await reader.NextResultAsync(cancellationToken);
        var lines = new List<InvoiceLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new InvoiceLine(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2)));
        }
        await reader.NextResultAsync(cancellationToken);
        var movements = new List<InvoiceMovement>();
        while (await reader.ReadAsync(cancellationToken))
        {
            movements.Add(new InvoiceMovement(
                LedgerNames.FromDatabase<InvoiceMovementKind>(reader.GetString(0)),
                reader.IsDBNull(1) ? null : LedgerNames.FromDatabase<PaymentMethod>(reader.GetString(1)),
                reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.IsDBNull(6) ? null : LedgerNames.FromDatabase<ExcessHandling>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }
        return new InvoiceView(id, schoolId, pupilId, number, communication, label, issuedOn, dueOn, lines, total, paid, credited, flagged,
            movements, InvoiceStates.At(total, paid, credited, dueOn, today));
    }

    /// <summary>
    /// Writes the invoice with the next document number of its school and year (<c>2026000042</c>), in one
    /// transaction: a number is never skipped nor given twice. False if the pupil is not the school's.
    /// </summary>
    public async Task<bool> InsertAsync(Guid id, NewInvoice invoice, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var pupil = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school)", connection, transaction))
        {
            pupil.Parameters.AddWithValue("pupil", invoice.PupilId);
            pupil.Parameters.AddWithValue("school", invoice.SchoolId);
            if (!(bool)(await pupil.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }
        await using (var insert = new NpgsqlCommand("""
            WITH next AS (
                INSERT INTO invoice_numbers (school_id, year, last) VALUES (@school, @year, 1)
                ON CONFLICT (school_id, year) DO UPDATE SET last = invoice_numbers.last + 1
                RETURNING last)
            INSERT INTO invoices (id, school_id, pupil_id, number, label, issued_on, due_on, total_cents, created_by, created_at)
            SELECT @id, @school, @pupil, @year::text || lpad(next.last::text, 6, '0'), @label, @issued, @due, @total, @by, @now FROM next;
            INSERT INTO invoice_lines (invoice_id, position, label, quantity, unit_cents)
            SELECT @id, l.n, l.label, l.quantity, l.unit FROM unnest(@labels, @quantities, @units) WITH ORDINALITY AS l(label, quantity, unit, n);
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("school", invoice.SchoolId);
            insert.Parameters.AddWithValue("pupil", invoice.PupilId);
            insert.Parameters.AddWithValue("year", invoice.IssuedOn.Year);
            insert.Parameters.AddWithValue("label", invoice.Label.Trim());
            insert.Parameters.AddWithValue("issued", invoice.IssuedOn);
            insert.Parameters.AddWithValue("due", invoice.DueOn);
            insert.Parameters.AddWithValue("total", invoice.Lines.Sum(l => l.TotalCents));
            insert.Parameters.AddWithValue("by", invoice.CausedBy.Name ?? invoice.CausedBy.Kind.ToString());
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("labels", invoice.Lines.Select(l => l.Label.Trim()).ToArray());
            insert.Parameters.AddWithValue("quantities", invoice.Lines.Select(l => l.Quantity).ToArray());
            insert.Parameters.AddWithValue("units", invoice.Lines.Select(l => l.UnitCents).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Appends a movement and moves the invoice's sums with it, all or nothing; optionally closes the pending
    /// transfer it finishes and opens the one it starts (an excess on its way to the wallet), and writes down
    /// the refunds it asks of the online provider.
    /// </summary>
    public async Task RecordAsync(Guid invoiceId, Guid schoolId, InvoiceMovement movement, string causedBy,
        DateOnly? valueDate, (string Key, string Outcome)? finishing, PendingTransfer? starting,
        IReadOnlyList<ProviderRefundRequest>? providerRefunds = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO invoice_movements (invoice_id, school_id, kind, method, reference, received_cents, applied_cents, excess_cents,
                                           excess_handling, payer, value_date, note, caused_by, occurred_at)
            VALUES (@invoice, @school, @kind, @method, @reference, @received, @applied, @excess, @handling, @payer, @value_date, @note, @by, @at)
            """);
        insert.Parameters.AddWithValue("invoice", invoiceId);
        insert.Parameters.AddWithValue("school", schoolId);
        insert.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(movement.Kind));
        insert.Parameters.AddWithValue("method", movement.Method is { } m ? LedgerNames.ToDatabase(m) : DBNull.Value);
        insert.Parameters.AddWithValue("reference", movement.Reference);
        insert.Parameters.AddWithValue("received", movement.ReceivedCents);
        insert.Parameters.AddWithValue("applied", movement.AppliedCents);
        insert.Parameters.AddWithValue("excess", movement.ExcessCents);
        insert.Parameters.AddWithValue("handling", movement.Excess is { } h ? LedgerNames.ToDatabase(h) : DBNull.Value);
        insert.Parameters.AddWithValue("payer", (object?)movement.Payer ?? DBNull.Value);
        insert.Parameters.AddWithValue("value_date", valueDate is { } d ? d : DBNull.Value);
        insert.Parameters.AddWithValue("note", (object?)movement.Note ?? DBNull.Value);
        insert.Parameters.AddWithValue("by", causedBy);
        insert.Parameters.AddWithValue("at", movement.OccurredAt);
        batch.BatchCommands.Add(insert);

        var sums = new NpgsqlBatchCommand("""
            UPDATE invoices SET paid_cents = paid_cents + @paid, credited_cents = credited_cents + @credited, flagged_cents = flagged_cents + @flagged
            WHERE id = @invoice
            """);
        sums.Parameters.AddWithValue("invoice", invoiceId);
        // A credit note's excess is paid money it refunds: it is credited, and no longer counts as paid.
        sums.Parameters.AddWithValue("paid", movement.Kind switch
        {
            InvoiceMovementKind.Payment => movement.AppliedCents,
            InvoiceMovementKind.CreditNote => -movement.ExcessCents,
            _ => 0L,
        });
        sums.Parameters.AddWithValue("credited", movement.Kind == InvoiceMovementKind.CreditNote ? movement.ReceivedCents : 0L);
        sums.Parameters.AddWithValue("flagged", movement.Kind == InvoiceMovementKind.ExcessSettlement ? -movement.ExcessCents
            : movement.Excess == ExcessHandling.Flag ? movement.ExcessCents : 0L);
        batch.BatchCommands.Add(sums);

        if (finishing is { } finish)
        {
            batch.BatchCommands.Add(FinishCommand(finish.Key, finish.Outcome, movement.OccurredAt));
        }
        if (starting is not null)
        {
            batch.BatchCommands.Add(BeginCommand(starting));
        }
        foreach (var refund in providerRefunds ?? [])
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO invoice_provider_refunds (key, invoice_id, school_id, provider, provider_payment_id, amount_cents, created_at)
                VALUES (@key, @invoice, @school, @provider, @payment, @amount, @at)
                """);
            command.Parameters.AddWithValue("key", refund.Key);
            command.Parameters.AddWithValue("invoice", invoiceId);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("provider", refund.Provider);
            command.Parameters.AddWithValue("payment", refund.ProviderPaymentId);
            command.Parameters.AddWithValue("amount", refund.AmountCents);
            command.Parameters.AddWithValue("at", movement.OccurredAt);
            batch.BatchCommands.Add(command);
        }
        // A batch of several statements runs in one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task BeginAsync(PendingTransfer pending, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BeginCommand(pending));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishAsync(string key, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(FinishCommand(key, outcome, now));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PendingTransfer>> OpenTransfersAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT key, invoice_id, pupil_id, kind, amount_cents, caused_by, created_at FROM invoice_pending_transfers
            WHERE invoice_id = @invoice AND outcome IS NULL ORDER BY created_at
            """);
        command.Parameters.AddWithValue("invoice", invoiceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var open = new List<PendingTransfer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            open.Add(new PendingTransfer(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2),
                LedgerNames.FromDatabase<PendingKind>(reader.GetString(3)), reader.GetInt64(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return open;
    }

    /// <summary>The outcome of a finished transfer (a wallet payment answered again after it ended), or null.</summary>
    public async Task<(PendingTransfer Transfer, string? Outcome)?> FindTransferAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT key, invoice_id, pupil_id, kind, amount_cents, caused_by, created_at, outcome FROM invoice_pending_transfers WHERE key = @key
            """);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return (new PendingTransfer(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2),
            LedgerNames.FromDatabase<PendingKind>(reader.GetString(3)), reader.GetInt64(4), reader.GetString(5),
            reader.GetFieldValue<DateTimeOffset>(6)), reader.IsDBNull(7) ? null : reader.GetString(7));
    }

    static NpgsqlBatchCommand BeginCommand(PendingTransfer pending)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO invoice_pending_transfers (key, invoice_id, pupil_id, kind, amount_cents, caused_by, created_at)
            VALUES (@key, @invoice, @pupil, @kind, @amount, @by, @at)
            """);
        command.Parameters.AddWithValue("key", pending.Key);
        command.Parameters.AddWithValue("invoice", pending.InvoiceId);
        command.Parameters.AddWithValue("pupil", pending.PupilId);
        command.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(pending.Kind));
        command.Parameters.AddWithValue("amount", pending.AmountCents);
        command.Parameters.AddWithValue("by", pending.CausedBy);
        command.Parameters.AddWithValue("at", pending.CreatedAt);
        return command;
    }

    static NpgsqlBatchCommand FinishCommand(string key, string outcome, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(
            "UPDATE invoice_pending_transfers SET outcome = @outcome, finished_at = @now WHERE key = @key AND outcome IS NULL");
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("outcome", outcome);
        command.Parameters.AddWithValue("now", now);
        return command;
    }
}

public enum PendingKind
{
    WalletPayment = 1,
    ExcessToWallet = 2,
    /// <summary>A credit note's refund of paid money to the wallet.</summary>
    RefundToWallet = 3,
}

/// <summary>Part of a credit note's refund that the online provider must pay back on one of its payments: see <c>invoice_provider_refunds</c>.</summary>
public sealed record ProviderRefundRequest(string Key, string Provider, string ProviderPaymentId, long AmountCents);

/// <summary>Money the invoice grain still has to move with the purse: see <c>invoice_pending_transfers</c>.</summary>
public sealed record PendingTransfer(string Key, Guid InvoiceId, Guid PupilId, PendingKind Kind, long AmountCents, string CausedBy,
    DateTimeOffset CreatedAt);