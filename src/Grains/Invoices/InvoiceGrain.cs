using ItSchool.Live;
using ItSchool.Platform.Orleans;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Invoices;

/// <summary>
/// The invoice. Its rows in PostgreSQL are written only here, one call at a time. Money it must move with the
/// pupil's purse (a wallet payment, an excess for the wallet) is first written down as a pending transfer,
/// then moved with a key derived from it, then closed: whatever a crash interrupts, the next activation (or
/// the reminder that wakes one) finishes it, and the purse's idempotency makes the retry move money once.
/// </summary>
public sealed class InvoiceGrain(InvoiceStore store, InvoiceSettingsStore schoolSettings, TimeProvider clock, RecoveryRetry recovery, ILogger<InvoiceGrain> logger) : Grain, IInvoiceGrain, IRemindable
{
    const string RecoveryReminder = "pending-transfers";
    // The general wallet, where invoices are paid from and excesses go.
    const int GeneralCompartment = 1;

    InvoiceView? invoice;

    Guid Id => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        invoice = await store.LoadAsync(Id, InvoiceStates.Today(clock), cancellationToken);
        if (invoice is not null)
        {
            await FinishPendingAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (invoice is null || await FinishPendingAsync())
        {
            var reminder = await this.GetReminder(reminderName);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    public Task<InvoiceView?> GetAsync() => Task.FromResult(Current());

    public async Task<IssueResult> IssueAsync(NewInvoice request)
    {
        if (invoice is not null)
        {
            var same = invoice.PupilId == request.PupilId && invoice.SchoolId == request.SchoolId
                && invoice.Lines.SequenceEqual(request.Lines.Select(l => l with { Label = l.Label.Trim() }));
            return same ? new IssueResult(Current(), null) : new IssueResult(null, IssueProblem.AlreadyIssuedOtherwise);
        }
        IssueProblem? problem = request switch
        {
            { Lines.Count: 0 } => IssueProblem.NoLines,
            _ when request.Lines.Any(l => string.IsNullOrWhiteSpace(l.Label) || l.Quantity is <= 0 or > 10_000
                || l.UnitCents is <= 0 or > 10_000_000) => IssueProblem.InvalidLine,
            _ when string.IsNullOrWhiteSpace(request.Label) => IssueProblem.NoLabel,
            _ when request.Label.Trim().Length > InvoiceLimits.Label
                || request.Lines.Any(l => l.Label.Trim().Length > InvoiceLimits.IssuedLineLabel) => IssueProblem.LabelTooLong,
            _ when request.DueOn < request.IssuedOn => IssueProblem.DueBeforeIssue,
            _ => null,
        };
        if (problem is not null)
        {
            return new IssueResult(null, problem);
        }
        if (!await store.InsertAsync(Id, request, clock.GetUtcNow()))
        {
            return new IssueResult(null, IssueProblem.UnknownPupil);
        }
        await ReloadAsync();
        return new IssueResult(Current(), null);
    }

    public async Task<PaymentOutcome> PayByTransferAsync(InvoiceTransfer transfer)
    {
        var reference = $"bank/{transfer.BankReference}";
        if (Replay(reference, InvoiceMovementKind.Payment, transfer.AmountCents) is { } known)
        {
            return known;
        }
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (transfer.AmountCents <= 0 || string.IsNullOrWhiteSpace(transfer.BankReference))
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        // Money that reached the school's account is always taken: what exceeds the debt follows the school's choice.
        var settings = await schoolSettings.LoadAsync(invoice.SchoolId);
        return await ReceiveAsync(reference, transfer.AmountCents, PaymentMethod.BankTransfer, settings.Overpayment, transfer.PayerName,
            transfer.ValueDate, "import", finishing: null);
    }

    public async Task<PaymentOutcome> PayOnlineAsync(OnlineInvoicePayment payment)
    {
        var reference = $"online/{payment.ProviderPaymentId}";
        if (Replay(reference, InvoiceMovementKind.Payment, payment.AmountCents) is { } known)
        {
            return known;
        }
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (payment.AmountCents <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        var settings = await schoolSettings.LoadAsync(invoice.SchoolId);
        return await ReceiveAsync(reference, payment.AmountCents, payment.Method, settings.Overpayment, payment.CausedBy.Name, null,
            Describe(payment.CausedBy), finishing: null);
    }

    public async Task<PaymentOutcome> PayFromWalletAsync(WalletPayment payment)
    {
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (string.IsNullOrWhiteSpace(payment.AttemptKey) || payment.AttemptKey.Length > 150 || payment.AmountCents is <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        var key = WalletKey(payment.AttemptKey);
        if (Replay(key, InvoiceMovementKind.Payment, null) is { } known)
        {
            return known;
        }
        if (await store.FindTransferAsync(key) is { } attempt)
        {
            // Declined before, or still open (its purse call failed): the open one is retried under its own key.
            if (attempt.Outcome is null)
            {
                await FinishAsync(attempt.Transfer);
            }
            return await AnswerAttemptAsync(key, null);
        }

        var settings = await schoolSettings.LoadAsync(invoice.SchoolId);
        if (!settings.WalletEnabled)
        {
            return PaymentOutcome.Declined(InvoiceDecline.MethodNotOffered, invoice.RemainingCents);
        }
        if (invoice.RemainingCents <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.NothingOwed, 0);
        }
        var wanted = Math.Min(payment.AmountCents ?? invoice.RemainingCents, invoice.RemainingCents);
        var wallet = (await GrainFactory.GetGrain<IPurseGrain>(invoice.PupilId).GetCompartmentsAsync())
            .FirstOrDefault(c => c.Compartment == GeneralCompartment);
        var available = wallet is null ? 0 : Math.Max(0, wallet.BalanceCents - wallet.FloorCents);
        var amount = available >= wanted ? wanted : settings.PartialWalletEnabled ? available : 0;
        if (amount <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InsufficientFunds, invoice.RemainingCents, available);
        }

        var pending = new PendingTransfer(key, Id, invoice.PupilId, PendingKind.WalletPayment, amount, Describe(payment.CausedBy), clock.GetUtcNow());
        await store.BeginAsync(pending);
        await WatchPendingAsync();
        await FinishAsync(pending);
        return await AnswerAttemptAsync(key, available);
    }

    public async Task<PaymentOutcome> CreditAsync(CreditNote note)
    {
        var reference = $"credit/{note.Reference}";
        if (Replay(reference, InvoiceMovementKind.CreditNote, note.AmountCents) is { } known)
        {
            return known;
        }
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (note.AmountCents is <= 0 || string.IsNullOrWhiteSpace(note.Reference) || note.Reference.Length > InvoiceLimits.Key)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        var owed = Math.Max(0, invoice.RemainingCents);
        if (owed + invoice.PaidCents <= 0 || (note.AmountCents is null && note.RefundTo is null && owed == 0))
        {
            return PaymentOutcome.Declined(InvoiceDecline.NothingOwed, invoice.RemainingCents);
        }
        var reason = string.IsNullOrWhiteSpace(note.Reason) ? null : note.Reason.Trim();
        if (reason?.Length > InvoiceLimits.Note)
        {
            return PaymentOutcome.Declined(InvoiceDecline.NoteNeeded, invoice.RemainingCents);
        }
        var amount = note.AmountCents ?? (note.RefundTo is null ? owed : owed + invoice.PaidCents);
        if (amount > owed + invoice.PaidCents)
        {
            // Never more than the invoice still has: what is owed, then what was paid.
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        var applied = Math.Min(amount, owed);
        var refund = amount - applied;
        IReadOnlyList<ProviderRefundRequest>? providerRefunds = null;
        if (refund > 0)
        {
            if (note.RefundTo is not (ExcessHandling.Wallet or ExcessHandling.Refund or ExcessHandling.Provider))
            {
                return PaymentOutcome.Declined(InvoiceDecline.RefundNeedsChoice, invoice.RemainingCents);
            }
            if (note.RefundTo == ExcessHandling.Refund && reason is null)
            {
                // The school's own transfer happened outside: the note says when and to whom.
                return PaymentOutcome.Declined(InvoiceDecline.NoteNeeded, invoice.RemainingCents);
            }
            if (note.RefundTo == ExcessHandling.Provider && (providerRefunds = ProviderRefunds(reference, refund)) is null)
            {
                return PaymentOutcome.Declined(InvoiceDecline.NotPaidOnline, invoice.RemainingCents);
            }
        }
        return await RecordAsync(new InvoiceMovement(InvoiceMovementKind.CreditNote, null, reference, amount, applied, refund,
            refund > 0 ? note.RefundTo : null, null, reason, clock.GetUtcNow()), Describe(note.CausedBy), null, null, providerRefunds);
    }

    public async Task<PaymentOutcome> RecordManualPaymentAsync(ManualPayment payment)
    {
        var reference = $"manual/{payment.Reference}";
        if (Replay(reference, InvoiceMovementKind.Payment, payment.AmountCents) is { } known)
        {
            return known;
        }
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (string.IsNullOrWhiteSpace(payment.Reference) || payment.Reference.Length > InvoiceLimits.Key || payment.AmountCents <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        if (payment.Method is not (PaymentMethod.Cash or PaymentMethod.Other))
        {
            return PaymentOutcome.Declined(InvoiceDecline.MethodNotOffered, invoice.RemainingCents);
        }
        var note = payment.Note?.Trim() ?? "";
        if (note.Length is 0 or > InvoiceLimits.Note)
        {
            return PaymentOutcome.Declined(InvoiceDecline.NoteNeeded, invoice.RemainingCents);
        }
        if (invoice.RemainingCents <= 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.NothingOwed, 0);
        }
        if (payment.AmountCents > invoice.RemainingCents)
        {
            // Money in the school's hands beyond the debt would be an excess nobody chose: the manager enters what is owed.
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        return await RecordAsync(new InvoiceMovement(InvoiceMovementKind.Payment, payment.Method, reference, payment.AmountCents,
            payment.AmountCents, 0, null, null, note, clock.GetUtcNow()), Describe(payment.CausedBy), null, null);
    }

    /// <summary>
    /// Splits a refund over the online payments' parts that paid this invoice, oldest first, after what earlier
    /// provider refunds took the same way (the movements alone say it: new payments only ever come last). Null
    /// when they do not hold that much.
    /// </summary>
    IReadOnlyList<ProviderRefundRequest>? ProviderRefunds(string reference, long amount)
    {
        const string online = InvoiceView.OnlineReference;
        var taken = invoice!.Movements.Where(m => m is { Kind: InvoiceMovementKind.CreditNote, Excess: ExcessHandling.Provider }).Sum(m => m.ExcessCents);
        var parts = new List<ProviderRefundRequest>();
        foreach (var payment in invoice.Movements.Where(m => m.Kind == InvoiceMovementKind.Payment && m.Reference.StartsWith(online, StringComparison.Ordinal)))
        {
            var left = payment.AppliedCents - Math.Min(taken, payment.AppliedCents);
            taken -= payment.AppliedCents - left;
            var part = Math.Min(left, amount);
            if (part <= 0)
            {
                continue;
            }
            // online/{provider}/{provider's payment id}
            var (provider, id) = payment.Reference[online.Length..].Split('/', 2) is [var p, var i] ? (p, i) : ("", "");
            parts.Add(new ProviderRefundRequest($"refund/{Id}/{reference}/{parts.Count + 1}", provider, id, part));
            amount -= part;
            if (amount == 0)
            {
                return parts;
            }
        }
        return null;
    }

    public async Task<PaymentOutcome> SettleExcessAsync(ExcessSettlement settlement)
    {
        var reference = $"settlement/{settlement.Reference}";
        if (Replay(reference, InvoiceMovementKind.ExcessSettlement, settlement.AmountCents) is { } known)
        {
            return known;
        }
        if (invoice is null)
        {
            return PaymentOutcome.Declined(InvoiceDecline.UnknownInvoice);
        }
        if (invoice.FlaggedCents == 0)
        {
            return PaymentOutcome.Declined(InvoiceDecline.NothingFlagged, invoice.RemainingCents);
        }
        if (settlement.AmountCents <= 0 || settlement.AmountCents > invoice.FlaggedCents || settlement.To is not (ExcessHandling.Wallet or ExcessHandling.Refund)
            || string.IsNullOrWhiteSpace(settlement.Reference) || settlement.Reference.Length > 100)
        {
            return PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
        }
        // To the wallet, the same way an excess goes there when the school does not flag.
        return await RecordAsync(new InvoiceMovement(InvoiceMovementKind.ExcessSettlement, null, reference, settlement.AmountCents, 0,
            settlement.AmountCents, settlement.To, null, settlement.Note.Trim(), clock.GetUtcNow()), Describe(settlement.CausedBy), null, null);
    }

    /// <summary>A wallet attempt's answer: paid, declined by the purse, or still open (to be finished on its own).</summary>
    async Task<PaymentOutcome> AnswerAttemptAsync(string key, long? available)
    {
        if (Replay(key, InvoiceMovementKind.Payment, null) is { } paid)
        {
            return paid;
        }
        var attempt = await store.FindTransferAsync(key);
        return PaymentOutcome.Declined(attempt?.Outcome is null ? InvoiceDecline.InProgress : InvoiceDecline.InsufficientFunds,
            invoice!.RemainingCents, available);
    }

    /// <summary>Takes money received: what is owed goes to the invoice, the rest is flagged or sent to the wallet.</summary>
    async Task<PaymentOutcome> ReceiveAsync(string reference, long amount, PaymentMethod method, ExcessHandling excessTo, string? payer,
        DateOnly? valueDate, string causedBy, (string Key, string Outcome)? finishing)
    {
        var applied = Math.Min(amount, Math.Max(0, invoice!.RemainingCents));
        var excess = amount - applied;
        return await RecordAsync(new InvoiceMovement(InvoiceMovementKind.Payment, method, reference, amount, applied, excess,
            excess > 0 ? excessTo : null, payer, null, clock.GetUtcNow()), causedBy, valueDate, finishing);
    }

    /// <summary>
    /// Appends a movement and answers it. What it sends to the wallet is written down with it as a pending
    /// transfer, then moved with the purse under a key of its own (finished later if the purse cannot answer now).
    /// </summary>
    async Task<PaymentOutcome> RecordAsync(InvoiceMovement movement, string causedBy, DateOnly? valueDate, (string Key, string Outcome)? finishing,
        IReadOnlyList<ProviderRefundRequest>? providerRefunds = null)
    {
        var refund = movement.Kind == InvoiceMovementKind.CreditNote;
        var toWallet = movement is { Excess: ExcessHandling.Wallet, ExcessCents: > 0 }
            ? new PendingTransfer($"{(refund ? "refund" : "excess")}/{Id}/{movement.Reference}", Id, invoice!.PupilId,
                refund ? PendingKind.RefundToWallet : PendingKind.ExcessToWallet, movement.ExcessCents, causedBy, clock.GetUtcNow())
            : null;
        await store.RecordAsync(Id, invoice!.SchoolId, movement, causedBy, valueDate, finishing, toWallet, providerRefunds);
        await ReloadAsync();
        if (toWallet is not null)
        {
            await WatchPendingAsync();
            await FinishAsync(toWallet);
        }
        return Replay(movement.Reference, movement.Kind, movement.ReceivedCents)!;
    }

    /// <summary>True when nothing is left pending.</summary>
    async Task<bool> FinishPendingAsync()
    {
        var open = await store.OpenTransfersAsync(Id);
        foreach (var pending in open)
        {
            await FinishAsync(pending);
        }
        return open.Count == 0 || (await store.OpenTransfersAsync(Id)).Count == 0;
    }

    /// <summary>
    /// Moves a pending transfer's money with the purse and closes it. A purse that cannot answer now leaves it
    /// open for the reminder; the purse key makes every retry the same single movement.
    /// </summary>
    async Task FinishAsync(PendingTransfer pending)
    {
        var purse = GrainFactory.GetGrain<IPurseGrain>(pending.PupilId);
        var actor = new Actor(ActorKind.System, null, pending.CausedBy);
        try
        {
            if (pending.Kind is PendingKind.ExcessToWallet or PendingKind.RefundToWallet)
            {
                var credit = await purse.CreditAsync(new Credit(pending.Key, GeneralCompartment, pending.AmountCents, MovementKind.Refund, null,
                    pending.Kind == PendingKind.RefundToWallet
                        ? LedgerSubject.CreditNote(invoice!.Number, invoice.Label)
                        : LedgerSubject.InvoiceExcess(invoice!.Number, invoice.Label), actor));
                await store.FinishAsync(pending.Key, credit.Accepted ? "credited" : "declined", clock.GetUtcNow());
                if (!credit.Accepted)
                {
                    logger.LogWarning("Invoice {Invoice}: the wallet refused an excess of {Cents} cents ({Reason})", Id, pending.AmountCents, credit.Reason);
                }
                return;
            }

            var debit = await purse.DebitAsync(new Debit($"invoice/{pending.Key}", GeneralCompartment, pending.AmountCents,
                MovementKind.InvoicePayment, PaymentMethod.Wallet, LedgerSubject.InvoicePayment(invoice!.Number, invoice.Label), actor));
            if (!debit.Accepted)
            {
                await store.FinishAsync(pending.Key, "declined", clock.GetUtcNow());
                return;
            }
            // What the purse paid always lands here; if less is owed by now, the rest goes back to the wallet.
            await ReceiveAsync(pending.Key, pending.AmountCents, PaymentMethod.Wallet, ExcessHandling.Wallet, pending.CausedBy, null,
                pending.CausedBy, (pending.Key, "paid"));
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Invoice {Invoice}: transfer {Key} stays pending and will be retried", Id, pending.Key);
        }
    }

    /// <summary>Wakes this grain after a crash to finish its pending transfers, even if nobody opens the invoice.</summary>
    Task WatchPendingAsync() => this.RegisterOrUpdateReminder(RecoveryReminder, recovery.Period, recovery.Period);

    async Task ReloadAsync()
    {
        invoice = await store.LoadAsync(Id, InvoiceStates.Today(clock));
        GrainFactory.Publish(new InvoicesChanged(invoice!.SchoolId, invoice.PupilId));
    }

    InvoiceView? Current() => invoice is null ? null
        : invoice with { State = InvoiceStates.At(invoice.TotalCents, invoice.PaidCents, invoice.CreditedCents, invoice.DueOn, InvoiceStates.Today(clock)) };

    /// <summary>
    /// The answer once given for a reference, rebuilt from the movements (the remaining amount right after
    /// it, not today's); a reference reused for another amount or kind is refused.
    /// </summary>
    PaymentOutcome? Replay(string reference, InvoiceMovementKind kind, long? amount)
    {
        if (invoice is null)
        {
            return null;
        }
        var remaining = invoice.TotalCents;
        foreach (var movement in invoice.Movements)
        {
            remaining -= movement.AppliedCents;
            if (movement.Reference != reference)
            {
                continue;
            }
            return movement.Kind != kind || (amount is { } a && a != movement.ReceivedCents)
                ? PaymentOutcome.Declined(InvoiceDecline.ReferenceUsedForAnotherMovement, invoice.RemainingCents)
                : new PaymentOutcome(true, null, movement.AppliedCents, movement.ExcessCents, movement.Excess, remaining, null);
        }
        return null;
    }

    static string WalletKey(string attempt) => $"wallet/{attempt}";

    static string Describe(Actor actor) => actor.Name ?? actor.Id ?? actor.Kind.ToString();
}