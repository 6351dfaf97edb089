using ItSchool.Live;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Wallets;

/// <summary>
/// The child's purse. Movements are decided one at a time against the balance including movements still
/// being written, then written to the ledger in batches: while one batch is being made durable, the next
/// one gathers (group commit), so a busy purse does not pay one database round trip per movement.
/// A caller's answer comes only once its entries are committed.
/// </summary>
[Reentrant]
public sealed class PurseGrain(Ledger ledger, TimeProvider clock, ILogger<PurseGrain> logger) : Grain, IPurseGrain
{
    /// <summary>How long a purse trusts its copy of the school's compartment settings (names, floors).</summary>
    public static readonly TimeSpan SettingsLifetime = TimeSpan.FromMinutes(1);

    Guid schoolId;
    Dictionary<int, PurseCompartment> compartments = [];
    DateTimeOffset settingsRead;
    Task? readingSettings;

    // Balances as committed in the ledger, and as they will be once the queued movements are written.
    readonly Dictionary<int, long> committed = [];
    readonly Dictionary<int, long> projected = [];
    // The purse's last committed ledger entry: pages compare it with the one they show (PurseChanged.Version).
    long version;
    // The guardians' low-balance alerts: this purse decides them, with the movements, and is the only writer of their state.
    IReadOnlyList<AlertWatcher> watchers = [];
    // The child's spending limits and blocked purchases, judged with the balance; what was spent today and this week,
    // including purchases still being written.
    SpendingRules spending = SpendingRules.None;
    SpendTally spent = new();

    // Answers by idempotency key: committed movements (recent ones loaded at activation) and queued ones.
    readonly Dictionary<string, Remembered> answers = [];
    readonly Dictionary<string, Task<MovementResult>> inFlight = [];
    List<Pending> queue = [];
    bool writing;

    Guid PupilId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await ledger.OpenAsync(PupilId, clock.GetUtcNow(), cancellationToken);
        schoolId = snapshot.SchoolId;
        compartments = snapshot.Compartments.ToDictionary(c => c.Compartment);
        settingsRead = clock.GetUtcNow();
        version = snapshot.Version;
        (watchers, spending) = (snapshot.Rules.Watchers, snapshot.Rules.Spending);
        spent = snapshot.Spent;
        foreach (var compartment in snapshot.Compartments)
        {
            committed[compartment.Compartment] = projected[compartment.Compartment] = compartment.BalanceCents;
        }
        foreach (var movement in snapshot.RecentEntries.GroupBy(e => e.IdempotencyKey))
        {
            answers[movement.Key] = Remembered.From(movement.ToList());
        }
    }

    public async Task RulesChangedAsync() => ApplyRules(await ledger.ReadRulesAsync(PupilId));

    void ApplyRules(PurseRules rules) => (watchers, spending) = (BalanceAlerts.Merge(watchers, rules.Watchers), rules.Spending);

    public async Task<IReadOnlyList<CompartmentView>> GetCompartmentsAsync() => (await GetPurseAsync()).Compartments;

    public async Task<PurseView> GetPurseAsync()
    {
        await FreshSettingsAsync();
        return new PurseView(version, Views());
    }

    List<CompartmentView> Views() => compartments.Values.OrderBy(c => c.Compartment)
        .Select(c => new CompartmentView(c.Compartment, c.Name, committed[c.Compartment], c.FloorCents, c.Communication))
        .ToList();

    public Task<MovementResult> CreditAsync(Credit credit) =>
        SubmitAsync(credit.IdempotencyKey, Fingerprint.Of(credit.Kind, (credit.Compartment, credit.AmountCents)), credit.Attachment, () =>
        {
            if (credit.AmountCents <= 0)
            {
                return Decision.Decline(DeclineReason.InvalidAmount);
            }
            if (!compartments.ContainsKey(credit.Compartment))
            {
                return Decision.Decline(DeclineReason.UnknownCompartment);
            }
            return Decision.Accept(Entry(credit.Compartment, credit.AmountCents, credit.Kind, credit.Method, credit.Subject,
                credit.CausedBy, credit.IdempotencyKey, credit.Spend));
        });

    public Task<MovementResult> DebitAsync(Debit debit) =>
        SubmitAsync(debit.IdempotencyKey, Fingerprint.Of(debit.Kind, (debit.Compartment, -debit.AmountCents)), debit.Attachment, () =>
        {
            if (debit.AmountCents <= 0)
            {
                return Decision.Decline(DeclineReason.InvalidAmount);
            }
            if (!compartments.TryGetValue(debit.Compartment, out var compartment))
            {
                return Decision.Decline(DeclineReason.UnknownCompartment);
            }
            if (debit.Spend is { } spend && spending.Judge(spend, debit.AmountCents, spent, clock.GetUtcNow()) is { } refused)
            {
                return Decision.Decline(refused.Reason, refused.AvailableCents);
            }
            var available = projected[debit.Compartment] - compartment.FloorCents;
            if (debit.AmountCents > available)
            {
                return Decision.Decline(DeclineReason.InsufficientFunds, available);
            }
            return Decision.Accept(Entry(debit.Compartment, -debit.AmountCents, debit.Kind, debit.Method, debit.Subject,
                debit.CausedBy, debit.IdempotencyKey, debit.Spend?.Kind));
        });

    public Task<MovementResult> TransferAsync(Transfer transfer) =>
        SubmitAsync(transfer.IdempotencyKey, Fingerprint.Of(MovementKind.InternalTransfer,
            (transfer.FromCompartment, -transfer.AmountCents), (transfer.ToCompartment, transfer.AmountCents)), null, () =>
        {
            if (transfer.AmountCents <= 0)
            {
                return Decision.Decline(DeclineReason.InvalidAmount);
            }
            if (transfer.FromCompartment == transfer.ToCompartment)
            {
                return Decision.Decline(DeclineReason.SameCompartment);
            }
            if (!compartments.TryGetValue(transfer.FromCompartment, out var from) || !compartments.TryGetValue(transfer.ToCompartment, out var to))
            {
                return Decision.Decline(DeclineReason.UnknownCompartment);
            }
            var available = projected[from.Compartment] - from.FloorCents;
            if (transfer.AmountCents > available)
            {
                return Decision.Decline(DeclineReason.InsufficientFunds, available);
            }
            var subject = LedgerSubject.Transfer(from.Name, to.Name);
            return Decision.Accept(
                Entry(from.Compartment, -transfer.AmountCents, MovementKind.InternalTransfer, PaymentMethod.Wallet, subject,
                    transfer.CausedBy, transfer.IdempotencyKey),
                Entry(to.Compartment, transfer.AmountCents, MovementKind.InternalTransfer, PaymentMethod.Wallet, subject,
                    transfer.CausedBy, transfer.IdempotencyKey));
        });

    /// <summary>
    /// The school may rename a compartment, change its floor or add the second one; balances are this
    /// purse's own and are never taken from the settings read.
    /// </summary>
    async Task ReadSettingsAsync()
    {
        foreach (var fresh in await ledger.ReadCompartmentsAsync(PupilId))
        {
            if (compartments.TryGetValue(fresh.Compartment, out var known))
            {
                compartments[fresh.Compartment] = known with { Name = fresh.Name, FloorCents = fresh.FloorCents };
            }
            else
            {
                compartments[fresh.Compartment] = fresh;
                committed[fresh.Compartment] = projected[fresh.Compartment] = fresh.BalanceCents;
            }
        }
        ApplyRules(await ledger.ReadRulesAsync(PupilId));
        settingsRead = clock.GetUtcNow();
    }

    /// <summary>
    /// Calls that find the settings stale share one read. The read is forgotten here, by its callers, and not in its own
    /// <c>finally</c>: a read that fails before its first real wait (PostgreSQL refusing at once) would clear the field
    /// before <c>??=</c> stores its task, and the purse would then rethrow that old failure on every call, forever.
    /// </summary>
    async Task FreshSettingsAsync()
    {
        if (clock.GetUtcNow() - settingsRead <= SettingsLifetime)
        {
            return;
        }
        var reading = readingSettings ??= ReadSettingsAsync();
        try
        {
            await reading;
        }
        finally
        {
            if (readingSettings == reading)
            {
                readingSettings = null;
            }
        }
    }

    /// <summary>Each call applies its entry to the projected balance (and a purchase to the spending) at once, so the next decision sees it.</summary>
    NewEntry Entry(int compartment, long amount, MovementKind kind, PaymentMethod? method, LedgerSubject subject, Actor causedBy, string key,
        SpendKind? spend = null)
    {
        projected[compartment] += amount;
        var now = clock.GetUtcNow();
        if (spend is { } purchase)
        {
            spent.Record(purchase, amount, now);
        }
        return new NewEntry(compartment, amount, projected[compartment], kind, method, subject, causedBy, key, now, spend);
    }

    async Task<MovementResult> SubmitAsync(string key, Fingerprint fingerprint, LedgerAttachment? attachment, Func<Decision> decide)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200)
        {
            return MovementResult.Declined(DeclineReason.InvalidAmount);
        }
        if (answers.TryGetValue(key, out var remembered))
        {
            return remembered.Fingerprint == fingerprint ? remembered.Result with { Replayed = true }
                : MovementResult.Declined(DeclineReason.KeyReusedForAnotherMovement);
        }
        if (inFlight.TryGetValue(key, out var running))
        {
            // The same request twice at once (a double tap): both wait for the one movement.
            var result = await running;
            return answers.TryGetValue(key, out remembered) && remembered.Fingerprint != fingerprint
                ? MovementResult.Declined(DeclineReason.KeyReusedForAnotherMovement)
                : result with { Replayed = true };
        }

        await FreshSettingsAsync();
        var decision = decide();
        if (decision.Entries is not { } entries)
        {
            return MovementResult.Declined(decision.Reason!.Value, decision.AvailableCents);
        }
        var pending = new Pending(key, fingerprint, entries, attachment, new TaskCompletionSource<MovementResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        queue.Add(pending);
        inFlight[key] = pending.Completion.Task;
        if (!writing)
        {
            _ = WriteQueueAsync();
        }
        return await pending.Completion.Task;
    }

    async Task WriteQueueAsync()
    {
        writing = true;
        try
        {
            while (queue.Count > 0)
            {
                var batch = queue;
                queue = [];
                await WriteBatchAsync(batch);
            }
        }
        finally
        {
            writing = false;
        }
    }

    async Task WriteBatchAsync(List<Pending> batch)
    {
        var entries = batch.SelectMany(p => p.Entries).ToList();
        var touched = entries.Select(e => e.Compartment).Distinct().ToList();
        var newBalances = touched.ToDictionary(c => c, c => entries.Last(e => e.Compartment == c).BalanceAfterCents);
        var (_, alerts) = BalanceAlerts.Decide(schoolId, PupilId, watchers, entries, clock.GetUtcNow());
        long[] ids;
        try
        {
            ids = await ledger.AppendAsync(schoolId, PupilId, entries, touched.Select(c => (c, committed[c], newBalances[c])).ToList(),
                [.. batch.Select(p => p.Attachment).OfType<LedgerAttachment>(), .. alerts is null ? [] : new LedgerAttachment[] { alerts }]);
        }
        catch (Exception e)
        {
            await FailEverythingQueuedAsync(batch, e);
            return;
        }

        PurseMetrics.Committed(batch.Count);
        foreach (var (compartment, balance) in newBalances)
        {
            committed[compartment] = balance;
        }
        if (alerts is not null)
        {
            watchers = BalanceAlerts.Apply(watchers, alerts);
        }
        var index = 0;
        var lines = new List<LedgerLine>(entries.Count);
        foreach (var pending in batch)
        {
            var stored = pending.Entries.Select(e => new StoredEntry(pending.Key, ids[index++], e.Compartment, e.AmountCents, e.BalanceAfterCents, e.Kind)).ToList();
            var remembered = Remembered.From(stored);
            answers[pending.Key] = remembered;
            inFlight.Remove(pending.Key);
            lines.AddRange(pending.Entries.Zip(stored, (e, s) =>
                new LedgerLine(s.Id, e.Compartment, e.AmountCents, e.BalanceAfterCents, e.Kind, e.Method, e.Subject, e.OccurredAt)));
            pending.Completion.SetResult(remembered.Result);
        }
        version = Math.Max(version, ids.DefaultIfEmpty(version).Max());
        GrainFactory.Publish(new PurseChanged(schoolId, PupilId, version, Views(), lines));
    }

    /// <summary>
    /// Every queued movement was decided against a balance that assumed this batch: none may stand. Their
    /// callers get the error and may retry with the same keys; a key that was in fact written (a replay
    /// older than the remembered keys) is found in the ledger and answered from there.
    /// </summary>
    async Task FailEverythingQueuedAsync(List<Pending> batch, Exception error)
    {
        var failed = batch.Concat(queue).ToList();
        queue = [];
        foreach (var pending in failed)
        {
            inFlight.Remove(pending.Key);
        }
        foreach (var (compartment, balance) in committed)
        {
            projected[compartment] = balance;
        }
        foreach (var entry in failed.SelectMany(p => p.Entries).Where(e => e.Spend is not null))
        {
            spent.Record(entry.Spend!.Value, -entry.AmountCents, entry.OccurredAt);
        }

        if (error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            var existing = await ledger.FindByKeysAsync(PupilId, failed.Select(p => p.Key).ToList());
            foreach (var movement in existing.GroupBy(e => e.IdempotencyKey))
            {
                answers[movement.Key] = Remembered.From(movement.ToList());
            }
        }
        else if (error is PostgresException { SqlState: LedgerAttachment.Refused })
        {
            logger.LogDebug("Purse {PupilId}: an attachment refused a ledger batch of {Count} movements ({Reason})", PupilId, failed.Count,
                ((PostgresException)error).MessageText);
        }
        else
        {
            logger.LogWarning(error, "Purse {PupilId}: a ledger batch of {Count} movements failed", PupilId, failed.Count);
        }
        if (error is PurseConcurrencyException)
        {
            DeactivateOnIdle();
        }
        foreach (var pending in failed)
        {
            pending.Completion.SetException(new PurseUnavailableException(PupilId, error));
        }
    }

    sealed record Pending(string Key, Fingerprint Fingerprint, IReadOnlyList<NewEntry> Entries, LedgerAttachment? Attachment,
        TaskCompletionSource<MovementResult> Completion);

    sealed record Decision(IReadOnlyList<NewEntry>? Entries, DeclineReason? Reason, long? AvailableCents)
    {
        public static Decision Accept(params NewEntry[] entries) => new(entries, null, null);

        public static Decision Decline(DeclineReason reason, long? available = null) => new(null, reason, available);
    }

    /// <summary>What a key was used for: the same key for a different movement is refused, not replayed.</summary>
    sealed record Fingerprint(string Value)
    {
        public static Fingerprint Of(MovementKind kind, params (int Compartment, long Amount)[] parts) =>
            new($"{kind}:{string.Join(",", parts.OrderBy(p => p.Compartment).Select(p => $"{p.Compartment}={p.Amount}"))}");
    }

    sealed record Remembered(Fingerprint Fingerprint, MovementResult Result)
    {
        public static Remembered From(IReadOnlyList<StoredEntry> entries) => new(
            Fingerprint.Of(entries[0].Kind, entries.Select(e => (e.Compartment, e.AmountCents)).ToArray()),
            new MovementResult(true, null, entries.Select(e => e.Id).ToList(),
                entries.Select(e => new CompartmentBalance(e.Compartment, e.BalanceAfterCents)).ToList(), null));
    }
}

[GenerateSerializer]
public sealed class PurseUnavailableException : Exception
{
    public PurseUnavailableException(Guid pupilId, Exception inner)
        : base($"Purse {pupilId} could not record the movement ({inner.Message}); nothing moved, retry with the same idempotency key.")
    {
    }
}