using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.BankStatements;

/// <summary>
/// Imports statement files: checks the whole file first (format rules, then each statement against the
/// account's history: already imported, continuing the last one), records the statements and their
/// movements in one transaction, then credits every matched movement. Money moves through the purse with
/// the bank reference as idempotency key, and a movement is marked credited only afterwards, so an import
/// interrupted half-way is finished by importing the same file again.
/// </summary>
public sealed class BankImports(NpgsqlDataSource db, MovementMatching matching, IGrainFactory grains, IInvoiceMatcher invoices,
    TimeProvider clock)
{
    public const int MaxPreviewLines = 500;
    const int BatchSize = 2000;
    const int SettleBatchSize = 10_000;
    const int CreditsInFlight = 128;

    /// <summary>A preview nobody applied within this time is abandoned (its file dropped) at the school's next import.</summary>
    public static readonly TimeSpan PreviewLifetime = TimeSpan.FromHours(24);

    public static readonly StatementProblem AbandonedPreview = new(StatementPlace.File, BankMessage.Of("Import.AbandonedPreview"));
    public static readonly StatementProblem AbandonedImport = new(StatementPlace.Connection, BankMessage.Of("Import.Abandoned"));

    /// <summary>Keeps an uploaded file until the manager has seen its preview and applies it.</summary>
    public async Task<Guid> UploadAsync(Guid schoolId, string fileName, byte[] content, string uploadedBy, CancellationToken cancellationToken = default)
    {
        await ExpirePreviewsAsync(schoolId, cancellationToken);
        var id = Guid.CreateVersion7();
        await using var command = db.CreateCommand("""
            INSERT INTO bank_imports (id, school_id, file_name, content, status, uploaded_at, uploaded_by)
            VALUES (@id, @school, @name, @content, 'previewed', @now, @by)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("name", fileName);
        command.Parameters.AddWithValue("content", content);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("by", uploadedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>What the uploaded file would do; a broken file is rejected here, with its reason kept in the history.</summary>
    public async Task<ImportPreview?> PreviewAsync(Guid schoolId, Guid importId, CancellationToken cancellationToken = default)
    {
        if (await ContentAsync(schoolId, importId, cancellationToken) is not { } content)
        {
            return null;
        }
        var report = (await FindAsync(schoolId, importId, cancellationToken))!;
        Stream Open() => new MemoryStream(content, writable: false);
        StatementFormat format;
        IReadOnlyList<StatementState> states;
        try
        {
            (format, var statements) = StatementFile.Check(Open, cancellationToken);
            await using var connection = await db.OpenConnectionAsync(cancellationToken);
            states = await StatesAsync(connection, schoolId, statements, cancellationToken);
        }
        catch (StatementFormatException problem)
        {
            await RejectAsync(schoolId, importId, problem.Problem, cancellationToken);
            return new ImportPreview((await FindAsync(schoolId, importId, cancellationToken))!, [], 0, 0, 0, 0, 0, 0, 0, []);
        }

        int fresh = 0, duplicates = 0, wallets = 0, invoiceCount = 0, toResolve = 0;
        long walletCents = 0, invoiceCents = 0;
        var lines = new List<MovementMatch>();
        using var stream = Open();
        var index = 0;
        foreach (var reading in StatementFile.Statements(StatementFile.Read(format, stream, cancellationToken)))
        {
            if (states[index++].AlreadyImported)
            {
                duplicates += reading.Movements.Count();
                continue;
            }
            foreach (var batch in reading.Movements.Chunk(BatchSize))
            {
                foreach (var match in await matching.MatchAsync(schoolId, batch, cancellationToken))
                {
                    switch (match.Kind)
                    {
                        case MatchKind.Duplicate:
                            duplicates++;
                            continue;
                        case MatchKind.Wallet:
                            wallets++;
                            walletCents += match.Movement.AmountCents;
                            break;
                        case MatchKind.Invoice:
                            invoiceCount++;
                            invoiceCents += match.Movement.AmountCents;
                            break;
                        default:
                            toResolve++;
                            break;
                    }
                    fresh++;
                    if (lines.Count < MaxPreviewLines)
                    {
                        lines.Add(match);
                    }
                }
            }
        }
        var previewed = report with { Format = format, Statements = states.Count, Movements = fresh + duplicates };
        return new ImportPreview(previewed, states, fresh, duplicates, wallets, walletCents, invoiceCount, invoiceCents, toResolve, lines);
    }

    /// <summary>
    /// Applies an uploaded file after its preview, or finishes crediting one whose application stopped half-way (its node
    /// died); null when there is no such import in this school. <paramref name="progress"/> hears (credited, to credit).
    /// </summary>
    public async Task<ImportReport?> ApplyAsync(Guid schoolId, Guid importId, Actor actor, Func<int, int, Task>? progress = null,
        CancellationToken cancellationToken = default)
    {
        await ExpirePreviewsAsync(schoolId, cancellationToken);
        if (await ContentAsync(schoolId, importId, cancellationToken) is { } content)
        {
            return await RunAsync(schoolId, importId, null, () => new MemoryStream(content, writable: false), actor, cancellationToken, progress: progress);
        }
        if (await FindAsync(schoolId, importId, cancellationToken) is { Status: ImportStatus.Applied })
        {
            await SettleAsync(schoolId, importId, await RecordedStatementsAsync(importId, cancellationToken), actor, progress);
        }
        return await FindAsync(schoolId, importId, cancellationToken);
    }

    /// <summary>Checks and applies a file in one go (the API, the benchmark); the file is opened once per pass.</summary>
    public Task<ImportReport> ImportAsync(Guid schoolId, string fileName, Func<Stream> open, Actor actor, CancellationToken cancellationToken = default) =>
        RunAsync(schoolId, Guid.CreateVersion7(), fileName, open, actor, cancellationToken);

    /// <param name="stopBeforeSettling">Tests stop here to play a crash between recording the movements and crediting them.</param>
    internal Task<ImportReport> ImportAsync(Guid schoolId, string fileName, Func<Stream> open, Actor actor, bool stopBeforeSettling) =>
        RunAsync(schoolId, Guid.CreateVersion7(), fileName, open, actor, CancellationToken.None, stopBeforeSettling);

    /// <summary>Tests stop an uploaded file's application after its recording, as a node dying there would.</summary>
    internal async Task ApplyUntilRecordedAsync(Guid schoolId, Guid importId, Actor actor)
    {
        var content = (await ContentAsync(schoolId, importId, CancellationToken.None))!;
        await RunAsync(schoolId, importId, null, () => new MemoryStream(content, writable: false), actor, CancellationToken.None, stopBeforeSettling: true);
    }

    async Task<ImportReport> RunAsync(Guid schoolId, Guid importId, string? newFileName, Func<Stream> open, Actor actor, CancellationToken cancellationToken,
        bool stopBeforeSettling = false, Func<int, int, Task>? progress = null)
    {
        var started = ImportMetrics.Started();
        var report = await CheckRecordAndSettleAsync(schoolId, importId, newFileName, open, actor, cancellationToken, stopBeforeSettling, progress);
        ImportMetrics.Finished(started, report);
        return report;
    }

    async Task<ImportReport> CheckRecordAndSettleAsync(Guid schoolId, Guid importId, string? newFileName, Func<Stream> open, Actor actor,
        CancellationToken cancellationToken, bool stopBeforeSettling, Func<int, int, Task>? progress)
    {
        var by = actor.Name ?? actor.Id ?? "?";
        if (newFileName is not null)
        {
            await ExpirePreviewsAsync(schoolId, cancellationToken);
            await using var insert = db.CreateCommand("""
                INSERT INTO bank_imports (id, school_id, file_name, status, uploaded_at, uploaded_by, uploaded_by_kind)
                VALUES (@id, @school, @name, 'previewed', @now, @by, @kind)
                """);
            insert.Parameters.AddWithValue("id", importId);
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("name", newFileName);
            insert.Parameters.AddWithValue("now", clock.GetUtcNow());
            insert.Parameters.AddWithValue("by", by);
            insert.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(actor.Kind));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        StatementFormat format;
        IReadOnlyList<StatementSummary> statements;
        try
        {
            (format, statements) = StatementFile.Check(open, cancellationToken);
            if (!await RecordAsync(schoolId, importId, format, statements, open, cancellationToken))
            {
                return (await FindAsync(schoolId, importId, cancellationToken))!;
            }
        }
        catch (StatementFormatException problem)
        {
            await RejectAsync(schoolId, importId, problem.Problem, cancellationToken);
            return (await FindAsync(schoolId, importId, cancellationToken))!;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left before the recording (one transaction) committed: nothing was recorded. A file sent
            // through the API is then abandoned, not left "previewed"; an uploaded preview stays, to be applied again.
            if (newFileName is not null)
            {
                await RejectAsync(schoolId, importId, AbandonedImport, CancellationToken.None);
            }
            throw;
        }

        // The movements are recorded: crediting them is finished even if the client leaves now, so that the
        // report is whole and no movement waits for the same file to be sent again.
        cancellationToken = CancellationToken.None;
        if (stopBeforeSettling)
        {
            return (await FindAsync(schoolId, importId, cancellationToken))!;
        }
        await SettleAsync(schoolId, importId, [.. statements.Select(s => (s.Account, s.Year, s.Number))], actor, progress);
        return (await FindAsync(schoolId, importId, cancellationToken))!;
    }

    /// <summary>
    /// The statements and their new movements, all in one transaction, under a lock per school so that two
    /// imports of the same account check its history one after the other. False when this import was
    /// applied meanwhile (the confirmation sent twice at once): the first one's report stands.
    /// </summary>
    async Task<bool> RecordAsync(Guid schoolId, Guid importId, StatementFormat format, IReadOnlyList<StatementSummary> statements,
        Func<Stream> open, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_xact_lock(hashtextextended('bank-import/' || @school::text, 0))", cancellationToken,
            ("school", schoolId));
        await using (var status = new NpgsqlCommand("SELECT status FROM bank_imports WHERE id = @import", connection))
        {
            status.Parameters.AddWithValue("import", importId);
            if (await status.ExecuteScalarAsync(cancellationToken) is not "previewed")
            {
                return false;
            }
        }
        var states = await StatesAsync(connection, schoolId, statements, cancellationToken);
        await Execute(connection, """
            CREATE TEMP TABLE incoming (
                bank_reference text, account text, year smallint, statement_number integer, amount_cents bigint, value_date date,
                counterparty_name text, counterparty_account text, communication text, structured bigint, status text,
                pupil_id uuid, compartment smallint, invoice_id uuid) ON COMMIT DROP
            """, cancellationToken);

        var duplicates = 0;
        using (var stream = open())
        {
            var index = 0;
            foreach (var reading in StatementFile.Statements(StatementFile.Read(format, stream, cancellationToken)))
            {
                var state = states[index++];
                if (state.AlreadyImported)
                {
                    duplicates += reading.Movements.Count();
                    continue;
                }
                var summary = state.Summary;
                foreach (var batch in reading.Movements.Chunk(BatchSize))
                {
                    var matches = await matching.MatchAsync(schoolId, batch, cancellationToken);
                    await using var copy = await connection.BeginBinaryImportAsync("COPY incoming FROM STDIN (FORMAT BINARY)", cancellationToken);
                    foreach (var match in matches)
                    {
                        var m = match.Movement;
                        await copy.StartRowAsync(cancellationToken);
                        await copy.WriteAsync(m.Reference, NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync(summary.Account, NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync((short)summary.Year, NpgsqlDbType.Smallint, cancellationToken);
                        await copy.WriteAsync(summary.Number, NpgsqlDbType.Integer, cancellationToken);
                        await copy.WriteAsync(m.AmountCents, NpgsqlDbType.Bigint, cancellationToken);
                        await copy.WriteAsync(m.ValueDate, NpgsqlDbType.Date, cancellationToken);
                        await copy.WriteAsync(m.CounterpartyName, NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync(m.CounterpartyAccount, NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync(m.Communication, NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync(m.Structured?.Number, NpgsqlDbType.Bigint, cancellationToken);
                        var status = match.Kind switch
                        {
                            MatchKind.Wallet => MovementStatus.Wallet,
                            MatchKind.Invoice => MovementStatus.Invoice,
                            _ => MovementStatus.ToResolve,
                        };
                        await copy.WriteAsync(status.Stored(), NpgsqlDbType.Text, cancellationToken);
                        await copy.WriteAsync(match.PupilId, NpgsqlDbType.Uuid, cancellationToken);
                        await copy.WriteAsync(match.Compartment is { } c ? (short?)c : null, NpgsqlDbType.Smallint, cancellationToken);
                        await copy.WriteAsync(match.InvoiceId, NpgsqlDbType.Uuid, cancellationToken);
                    }
                    await copy.CompleteAsync(cancellationToken);
                }
            }
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO bank_statements (school_id, account, year, number, opening_cents, closing_cents, closing_date, digest, import_id)
            SELECT @school, s.account, s.year, s.number, s.opening, s.closing, s.closing_date, s.digest, @import
            FROM unnest(@accounts, @years, @numbers, @openings, @closings, @dates, @digests)
                 AS s(account, year, number, opening, closing, closing_date, digest)
            """, connection))
        {
            var fresh = states.Where(s => !s.AlreadyImported).Select(s => s.Summary).ToList();
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("import", importId);
            insert.Parameters.AddWithValue("accounts", fresh.Select(s => s.Account).ToArray());
            insert.Parameters.AddWithValue("years", fresh.Select(s => (short)s.Year).ToArray());
            insert.Parameters.AddWithValue("numbers", fresh.Select(s => s.Number).ToArray());
            insert.Parameters.AddWithValue("openings", fresh.Select(s => s.OpeningCents).ToArray());
            insert.Parameters.AddWithValue("closings", fresh.Select(s => s.ClosingCents).ToArray());
            insert.Parameters.AddWithValue("dates", fresh.Select(s => s.ClosingDate).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("digests", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = fresh.Select(s => s.Digest).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A reference already recorded (from an overlapping file) is skipped: the first recording stands.
        var inserted = 0;
        var unmatched = 0;
        await using (var insert = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO bank_movements (school_id, bank_reference, import_id, account, year, statement_number, amount_cents, value_date,
                                            counterparty_name, counterparty_account, communication, structured, status, pupil_id,
                                            compartment, invoice_id)
                SELECT @school, bank_reference, @import, account, year, statement_number, amount_cents, value_date, counterparty_name,
                       counterparty_account, communication, structured, status, pupil_id, compartment, invoice_id
                FROM incoming
                ON CONFLICT (school_id, bank_reference) DO NOTHING
                RETURNING status)
            SELECT count(*), count(*) FILTER (WHERE status = 'to_resolve'), (SELECT count(*) FROM incoming) FROM inserted
            """, connection))
        {
            insert.Parameters.AddWithValue("school", schoolId);
            insert.Parameters.AddWithValue("import", importId);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            inserted = (int)reader.GetInt64(0);
            unmatched = (int)reader.GetInt64(1);
            duplicates += (int)(reader.GetInt64(2) - inserted);
        }

        await Execute(connection, """
            UPDATE bank_imports SET status = 'applied', content = NULL, format = @format, applied_at = @now, statements = @statements,
                                    movements = @movements, duplicates = @duplicates, unmatched = @unmatched
            WHERE id = @import
            """, cancellationToken, ("import", importId), ("format", format.ToString()), ("now", clock.GetUtcNow()),
            ("statements", statements.Count), ("movements", inserted + duplicates), ("duplicates", duplicates), ("unmatched", unmatched));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Credits every matched movement of these statements not yet marked credited, whichever import recorded
    /// it: the purse answers a bank reference it already booked with that same booking, so nothing moves twice.
    /// Each batch's outcomes and the import's figures are written in one transaction, so a crediting that stops
    /// half-way (its node died) and is taken up again counts every movement once.
    /// Runs to its end whatever the caller does: the movements are recorded, and none should wait for a retry.
    /// </summary>
    async Task SettleAsync(Guid schoolId, Guid importId, IReadOnlyList<(string Account, int Year, int Number)> statements, Actor actor,
        Func<int, int, Task>? progress)
    {
        var accounts = statements.Select(s => s.Account).ToArray();
        var years = statements.Select(s => (short)s.Year).ToArray();
        var numbers = statements.Select(s => s.Number).ToArray();
        const string pendingMovements = """
            FROM bank_movements m
            JOIN unnest(@accounts, @years, @numbers) AS s(account, year, number)
              ON m.account = s.account AND m.year = s.year AND m.statement_number = s.number
            WHERE m.school_id = @school AND m.status IN ('wallet', 'invoice')
            """;
        var total = 0;
        if (progress is not null)
        {
            await using var count = db.CreateCommand($"SELECT count(*)::int {pendingMovements}");
            count.Parameters.AddWithValue("school", schoolId);
            count.Parameters.AddWithValue("accounts", accounts);
            count.Parameters.AddWithValue("years", years);
            count.Parameters.AddWithValue("numbers", numbers);
            total = (int)(await count.ExecuteScalarAsync())!;
            await progress(0, total);
        }
        var settled = 0;
        long after = 0;
        while (true)
        {
            var pending = new List<Pending>();
            await using (var select = db.CreateCommand($"""
                SELECT m.id, m.bank_reference, m.status, m.pupil_id, m.compartment, m.invoice_id, m.amount_cents, m.value_date, m.counterparty_name
                {pendingMovements} AND m.id > @after
                ORDER BY m.id LIMIT @limit
                """))
            {
                select.Parameters.AddWithValue("school", schoolId);
                select.Parameters.AddWithValue("accounts", accounts);
                select.Parameters.AddWithValue("years", years);
                select.Parameters.AddWithValue("numbers", numbers);
                select.Parameters.AddWithValue("after", after);
                select.Parameters.AddWithValue("limit", SettleBatchSize);
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    pending.Add(new Pending(reader.GetInt64(0), reader.GetString(1), MovementStatuses.Parse(reader.GetString(2)),
                        reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetInt16(4),
                        reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetInt64(6), reader.GetFieldValue<DateOnly>(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8)));
                }
            }
            if (pending.Count == 0)
            {
                break;
            }
            after = pending[^1].Id;

            // A pupil's credits go to its purse together, so that the purse writes them in one batch.
            var outcomes = new Outcome[pending.Count];
            var byTarget = Enumerable.Range(0, pending.Count).GroupBy(i => pending[i].PupilId ?? pending[i].InvoiceId);
            await Parallel.ForEachAsync(byTarget, new ParallelOptions { MaxDegreeOfParallelism = CreditsInFlight },
                async (target, _) =>
                {
                    var settledTogether = await Task.WhenAll(target.Select(i => SettleOneAsync(pending[i], importId, actor)));
                    foreach (var (i, outcome) in target.Zip(settledTogether))
                    {
                        outcomes[i] = outcome;
                    }
                });
            await RecordOutcomesAsync(schoolId, importId, pending, outcomes);
            settled += pending.Count;
            if (progress is not null)
            {
                await progress(settled, Math.Max(total, settled));
            }
        }
    }

    /// <summary>A batch's outcomes on its movements, and on the import's figures those that this crediting changed.</summary>
    async Task RecordOutcomesAsync(Guid schoolId, Guid importId, List<Pending> pending, Outcome[] outcomes)
    {
        await using var update = db.CreateCommand("""
            WITH changed AS (
                UPDATE bank_movements m SET status = o.status, ledger_entry_id = o.entry, decline = o.decline
                FROM unnest(@ids, @statuses, @entries, @declines, @amounts) AS o(id, status, entry, decline, amount)
                WHERE m.id = o.id AND m.school_id = @school AND m.status IN ('wallet', 'invoice')
                RETURNING o.status, o.amount)
            UPDATE bank_imports SET
                credited = credited + (SELECT count(*) FROM changed WHERE status = 'credited'),
                credited_cents = credited_cents + (SELECT coalesce(sum(amount), 0) FROM changed WHERE status = 'credited'),
                invoices_paid = invoices_paid + (SELECT count(*) FROM changed WHERE status = 'invoice_paid'),
                unmatched = unmatched + (SELECT count(*) FROM changed WHERE status NOT IN ('credited', 'invoice_paid'))
            WHERE id = @import
            """);
        update.Parameters.AddWithValue("school", schoolId);
        update.Parameters.AddWithValue("import", importId);
        update.Parameters.AddWithValue("ids", pending.Select(p => p.Id).ToArray());
        update.Parameters.AddWithValue("statuses", outcomes.Select(o => o.Status.Stored()).ToArray());
        update.Parameters.Add(new NpgsqlParameter("entries", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = outcomes.Select(o => o.EntryId).ToArray() });
        update.Parameters.Add(new NpgsqlParameter("declines", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = outcomes.Select(o => o.Decline?.ToJson()).ToArray(),
        });
        update.Parameters.AddWithValue("amounts", pending.Select(p => p.AmountCents).ToArray());
        await update.ExecuteNonQueryAsync();
    }

    /// <summary>The statements an import recorded, to finish crediting their movements.</summary>
    async Task<IReadOnlyList<(string Account, int Year, int Number)>> RecordedStatementsAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT account, year, number FROM bank_statements WHERE import_id = @import");
        command.Parameters.AddWithValue("import", importId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var statements = new List<(string, int, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            statements.Add((reader.GetString(0), reader.GetInt16(1), reader.GetInt32(2)));
        }
        return statements;
    }

    sealed record Pending(long Id, string Reference, MovementStatus Status, Guid? PupilId, short? Compartment, Guid? InvoiceId, long AmountCents,
        DateOnly ValueDate, string? PayerName);

    /// <param name="Decline">Why the purse or the invoice refused the movement, which then waits in "À traiter".</param>
    sealed record Outcome(MovementStatus Status, long? EntryId, BankMessage? Decline);

    async Task<Outcome> SettleOneAsync(Pending movement, Guid importId, Actor actor)
    {
        if (movement.Status == MovementStatus.Invoice)
        {
            return await invoices.PayAsync(movement.InvoiceId!.Value,
                new InvoiceTransferPayment(movement.Reference, movement.AmountCents, movement.ValueDate, movement.PayerName))
                ? new Outcome(MovementStatus.InvoicePaid, null, null)
                : new Outcome(MovementStatus.ToResolve, null, InvoiceDeclined);
        }
        var result = await CreditAsync(grains, movement.PupilId!.Value, movement.Compartment!.Value, movement.Reference, movement.AmountCents,
            actor with { Kind = ActorKind.Import, Id = importId.ToString() });
        return result.Accepted
            ? new Outcome(MovementStatus.Credited, result.EntryIds[0], null)
            : new Outcome(MovementStatus.ToResolve, null, WalletDeclined(result.Reason));
    }

    public static readonly BankMessage InvoiceDeclined = BankMessage.Of("Decline.Invoice");

    /// <summary>The purse's reason is its own code (<see cref="DeclineReason"/>), kept as the purse gave it.</summary>
    public static BankMessage WalletDeclined(DeclineReason? reason) => BankMessage.Of("Decline.Wallet", reason?.ToString() ?? "");

    /// <summary>The one way a bank movement reaches a purse: its bank reference is the idempotency key.</summary>
    public static Task<MovementResult> CreditAsync(IGrainFactory grains, Guid pupilId, int compartment, string bankReference, long amountCents,
        Actor actor) =>
        grains.GetGrain<IPurseGrain>(pupilId).CreditAsync(new Credit(IdempotencyKey(bankReference), compartment, amountCents,
            MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, actor));

    public static string IdempotencyKey(string bankReference) => $"bank/{bankReference}";

    /// <summary>
    /// Each statement against the account's history: the very same statement again is "already imported";
    /// the same number with other content, a gap in the numbers or an opening balance that is not the last
    /// closing balance rejects the file.
    /// </summary>
    static async Task<IReadOnlyList<StatementState>> StatesAsync(NpgsqlConnection connection, Guid schoolId,
        IReadOnlyList<StatementSummary> statements, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(string, int, int), (long Closing, byte[] Digest)>();
        var last = new Dictionary<string, (int Year, int Number, long Closing)>();
        await using (var command = new NpgsqlCommand("""
            SELECT account, year, number, closing_cents, digest FROM bank_statements s
            JOIN unnest(@accounts, @years, @numbers) AS f(account, year, number) USING (account, year, number)
            WHERE s.school_id = @school;
            SELECT DISTINCT ON (account) account, year, number, closing_cents, digest FROM bank_statements
            WHERE school_id = @school AND account = ANY(@accounts)
            ORDER BY account, year DESC, number DESC;
            """, connection))
        {
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("accounts", statements.Select(s => s.Account).ToArray());
            command.Parameters.AddWithValue("years", statements.Select(s => (short)s.Year).ToArray());
            command.Parameters.AddWithValue("numbers", statements.Select(s => s.Number).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored[(reader.GetString(0), reader.GetInt16(1), reader.GetInt32(2))] = (reader.GetInt64(3), (byte[])reader[4]);
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                last[reader.GetString(0)] = (reader.GetInt16(1), reader.GetInt32(2), reader.GetInt64(3));
            }
        }

        var states = new List<StatementState>();
        foreach (var s in statements)
        {
            var where = StatementPlace.Statement(s.Number, s.Account);
            if (stored.TryGetValue((s.Account, s.Year, s.Number), out var known))
            {
                if (!known.Digest.AsSpan().SequenceEqual(s.Digest))
                {
                    throw new StatementFormatException(where, BankMessage.Of("History.ChangedContent"));
                }
                states.Add(new StatementState(s, true));
                if (!last.TryGetValue(s.Account, out var latest) || (s.Year, s.Number).CompareTo((latest.Year, latest.Number)) > 0)
                {
                    last[s.Account] = (s.Year, s.Number, s.ClosingCents);
                }
                continue;
            }
            if (last.TryGetValue(s.Account, out var previous))
            {
                if ((s.Year, s.Number).CompareTo((previous.Year, previous.Number)) < 0)
                {
                    throw new StatementFormatException(where, BankMessage.Of("History.Earlier", previous.Number));
                }
                if (s.Number != previous.Number + 1 && !(s.Year > previous.Year && s.Number == 1))
                {
                    throw new StatementFormatException(where, BankMessage.Of("History.Gap", previous.Number));
                }
                if (s.OpeningCents != previous.Closing)
                {
                    throw new StatementFormatException(where, BankMessage.Of("History.Opening", new CentsArgument(s.OpeningCents), previous.Number,
                        new CentsArgument(previous.Closing)));
                }
            }
            last[s.Account] = (s.Year, s.Number, s.ClosingCents);
            states.Add(new StatementState(s, false));
        }
        return states;
    }

    /// <summary>Previews older than <see cref="PreviewLifetime"/> (and imports whose process died before recording) are abandoned.</summary>
    async Task ExpirePreviewsAsync(Guid schoolId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE bank_imports SET status = 'rejected', content = NULL, problem = @problem
            WHERE school_id = @school AND status = 'previewed' AND uploaded_at < @cutoff
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.Add(new NpgsqlParameter("problem", NpgsqlDbType.Jsonb) { Value = AbandonedPreview.ToJson() });
        command.Parameters.AddWithValue("cutoff", clock.GetUtcNow() - PreviewLifetime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task RejectAsync(Guid schoolId, Guid importId, StatementProblem problem, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE bank_imports SET status = 'rejected', content = NULL, problem = @problem WHERE id = @id AND school_id = @school
            """);
        command.Parameters.AddWithValue("id", importId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.Add(new NpgsqlParameter("problem", NpgsqlDbType.Jsonb) { Value = problem.ToJson() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task<byte[]?> ContentAsync(Guid schoolId, Guid importId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT content FROM bank_imports WHERE id = @id AND school_id = @school AND status = 'previewed' AND content IS NOT NULL");
        command.Parameters.AddWithValue("id", importId);
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<ImportReport?> FindAsync(Guid schoolId, Guid importId, CancellationToken cancellationToken = default) =>
        (await ListAsync(schoolId, importId, 1, cancellationToken)).SingleOrDefault();

    /// <summary>The school's imports, newest first.</summary>
    public Task<IReadOnlyList<ImportReport>> HistoryAsync(Guid schoolId, int limit = 100, CancellationToken cancellationToken = default) =>
        ListAsync(schoolId, null, limit, cancellationToken);

    async Task<IReadOnlyList<ImportReport>> ListAsync(Guid schoolId, Guid? importId, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT id, file_name, format, status, problem, uploaded_at, uploaded_by, applied_at, statements, movements, duplicates,
                   credited, credited_cents, invoices_paid, unmatched, uploaded_by_kind
            FROM bank_imports WHERE school_id = @school AND (@id::uuid IS NULL OR id = @id)
            ORDER BY uploaded_at DESC, id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)importId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reports = new List<ImportReport>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reports.Add(new ImportReport(reader.GetGuid(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : Enum.Parse<StatementFormat>(reader.GetString(2)),
                Enum.Parse<ImportStatus>(reader.GetString(3), ignoreCase: true), reader.IsDBNull(4) ? null : StatementProblem.FromJson(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), LedgerNames.FromDatabase<ActorKind>(reader.GetString(15)),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11), reader.GetInt64(12), reader.GetInt32(13),
                reader.GetInt32(14)));
        }
        return reports;
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}