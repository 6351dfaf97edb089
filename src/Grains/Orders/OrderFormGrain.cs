using ItSchool.Invoices;
using ItSchool.Platform.Orleans;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Orders;

/// <summary>
/// One order form. Orders interleave: each one's stock and limit are decided in memory, between two awaits, against the
/// form's list that already holds every order decided before it (those still being paid too), so a stock is never
/// exceeded while many families' payments are in flight at once. A wallet order is written, as placed, in the commit of
/// its debit (key order/{id}) and its cancellation in the commit of its refund (key order-refund/{id}). An invoice order
/// is written first, then its invoice is issued under the order's id, and a cancelled one is credited under the
/// reference order-cancel/{id}: both answer the same when asked again, so what a crash or a lost answer interrupted is
/// finished by asking again, from the reminder or the next activation.
/// </summary>
[Reentrant]
public sealed class OrderFormGrain(OrderStore store, TimeProvider clock, RecoveryRetry recovery, ILogger<OrderFormGrain> logger) : Grain, IOrderFormGrain, IRemindable
{
    const string RecoveryReminder = "unfinished-orders";
    const int MaxLines = 100;
    static readonly TimeSpan ClassesKept = TimeSpan.FromMinutes(5);
    static readonly TimeSpan ChangeLapses = TimeSpan.FromSeconds(30);

    Guid formId;
    OrderForm? form;
    List<OrderView> orders = [];
    Task? watching;

    // Requests being decided or paid, by their key: the same request twice at once is answered once.
    readonly Dictionary<string, (PlaceOrder Request, Task<OrderResult> Answer)> requests = [];
    // Wallet orders whose debit is not confirmed: they hold their stock, and only a confirmed debit (or decline) settles them.
    readonly Dictionary<Guid, Task<MovementResult?>> debits = [];
    readonly HashSet<Guid> unpaid = [];
    // Orders holding their stock while their pupil is looked up: not placed yet.
    readonly HashSet<Guid> checking = [];
    // Invoice orders written whose invoice is not confirmed issued, and cancelled ones whose refund or credit is not confirmed.
    readonly HashSet<Guid> unissued = [];
    readonly Dictionary<Guid, Actor> owed = [];
    readonly SemaphoreSlim settling = new(1, 1);
    // The school's pupils and their classes, read again after a few minutes: when a form opens to hundreds of families at
    // once, a winner's one round trip is its payment. A pupil enrolled since the copy was read is looked up on its own.
    Dictionary<Guid, string> classes = [];
    DateTimeOffset classesReadAt = DateTimeOffset.MinValue;
    Task? readingClasses;
    // The school's save in progress: orders wait for its end, so none is decided against a form being changed from what
    // the save checked (a price, or a stock below what is held).
    (Guid Id, TaskCompletionSource Ended, DateTimeOffset Lapses)? change;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        formId = this.GetPrimaryKey();
        form = await store.LoadFormAsync(formId, cancellationToken);
        orders = await store.LoadOrdersAsync(formId, cancellationToken);
        if (form is not null)
        {
            await ReadClassesAsync();
        }
        var invoiced = orders.Where(o => o.InvoiceId is not null).ToList();
        if (invoiced.Count > 0)
        {
            var issued = await store.ExistingInvoicesAsync([.. invoiced.Select(o => o.InvoiceId!.Value)]);
            unissued.UnionWith(invoiced.Where(o => !issued.Contains(o.InvoiceId!.Value)).Select(o => o.Id));
        }
        if (orders.Any(o => o.Status == OrderStatus.Cancelled))
        {
            foreach (var id in await store.UnsettledCancellationsAsync(formId))
            {
                owed[id] = Actor.System;
            }
        }
        if (unissued.Count > 0 || owed.Count > 0)
        {
            await SettleAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await SettleAsync() && await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            watching = null;
        }
    }

    public Task<IReadOnlyList<OrderView>> GetOrdersAsync() =>
        Task.FromResult<IReadOnlyList<OrderView>>([.. orders.Where(o => !unpaid.Contains(o.Id) && !checking.Contains(o.Id))]);

    public Task<IReadOnlyList<StockLeft>> GetStockAsync() => Task.FromResult<IReadOnlyList<StockLeft>>(form is null ? [] :
        [.. form.Articles.SelectMany(a => a.Options.Where(o => o.Stock is not null)
            .Select(o => new StockLeft(a.Code, o.Name, Math.Max(0, o.Stock!.Value - Held(a.Code, o.Name)))))]);

    public async Task FormChangedAsync() => form = await store.LoadFormAsync(formId);

    public Task<IReadOnlyList<OptionHeld>> BeginChangeAsync(Guid saveId)
    {
        change?.Ended.TrySetResult();
        change = (saveId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), clock.GetUtcNow() + ChangeLapses);
        return Task.FromResult<IReadOnlyList<OptionHeld>>([.. orders.Where(o => o.Holds).SelectMany(o => o.Lines)
            .GroupBy(l => (l.ArticleCode, l.Option)).Select(g => new OptionHeld(g.Key.ArticleCode, g.Key.Option, g.Sum(l => l.Quantity)))]);
    }

    public async Task EndChangeAsync(Guid saveId)
    {
        if (change is not { } ending || ending.Id != saveId)
        {
            return;
        }
        try
        {
            form = await store.LoadFormAsync(formId);
        }
        finally
        {
            if (change?.Id == saveId)
            {
                change = null;
            }
            ending.Ended.TrySetResult();
        }
    }

    /// <summary>Until the school's save in progress ends, or lapses.</summary>
    async Task AfterChangeAsync()
    {
        while (change is { } running)
        {
            var left = running.Lapses - clock.GetUtcNow();
            if (left > TimeSpan.Zero && await Task.WhenAny(running.Ended.Task, Task.Delay(left, clock)) == running.Ended.Task)
            {
                continue;
            }
            if (change?.Id == running.Id)
            {
                // The saving node never said the end: the form is read again, as it would have been.
                change = null;
                form = await store.LoadFormAsync(formId);
                running.Ended.TrySetResult();
            }
        }
    }

    public async Task<OrderResult> PlaceAsync(PlaceOrder request)
    {
        if (Merged(request) is not { } lines)
        {
            return OrderResult.Refused(OrderRefusal.InvalidRequest);
        }
        if (requests.TryGetValue(request.Key, out var running))
        {
            var answer = await running.Answer;
            return Same(running.Request, request) ? answer : OrderResult.Refused(OrderRefusal.InvalidRequest);
        }
        if (orders.FirstOrDefault(o => o.RequestKey == request.Key) is { } earlier)
        {
            return earlier.PupilId == request.PupilId && earlier.SchoolId == request.SchoolId && SameLines(earlier.Lines, lines)
                ? await ReplayAsync(earlier)
                : OrderResult.Refused(OrderRefusal.InvalidRequest);
        }
        var deciding = DecideAndPayAsync(request, lines);
        requests[request.Key] = (request, deciding);
        try
        {
            return await deciding;
        }
        finally
        {
            requests.Remove(request.Key);
        }
    }

    /// <summary>The request's lines above zero, one per article and option; null when the request is malformed.</summary>
    static List<OrderLineRequest>? Merged(PlaceOrder request)
    {
        if (string.IsNullOrWhiteSpace(request.Key) || request.Key.Length > OrderLimits.Key || request.PupilId == Guid.Empty
            || request.SchoolId == Guid.Empty || request.CausedBy is null || request.Lines is null || request.Lines.Count > MaxLines
            || request.ExpectedTotalCents < 0
            || request.Lines.Any(l => l is null || string.IsNullOrEmpty(l.ArticleCode) || l.ArticleCode.Length > 20 || l.Option is null
                || l.Option.Length > OrderLimits.Option || l.Quantity is < 0 or > OrderLimits.MaxQuantity))
        {
            return null;
        }
        var merged = request.Lines.Where(l => l.Quantity > 0).GroupBy(l => (l.ArticleCode, l.Option))
            .Select(g => new OrderLineRequest(g.Key.ArticleCode, g.Key.Option, g.Sum(l => l.Quantity))).ToList();
        return merged.Any(l => l.Quantity > OrderLimits.MaxQuantity) ? null : merged;
    }

    static bool Same(PlaceOrder first, PlaceOrder second) => first.PupilId == second.PupilId && first.SchoolId == second.SchoolId
        && SameLines(Merged(first)!.Select(l => (l.ArticleCode, l.Option, l.Quantity)), Merged(second)!.Select(l => (l.ArticleCode, l.Option, l.Quantity)));

    static bool SameLines(IReadOnlyList<OrderLine> placed, List<OrderLineRequest> asked) =>
        SameLines(placed.Select(l => (l.ArticleCode, l.Option, l.Quantity)), asked.Select(l => (l.ArticleCode, l.Option, l.Quantity)));

    static bool SameLines(IEnumerable<(string, string, int)> first, IEnumerable<(string, string, int)> second) =>
        first.Order().SequenceEqual(second.Order());

    async Task<OrderResult> DecideAndPayAsync(PlaceOrder request, List<OrderLineRequest> lines)
    {
        if (change is not null)
        {
            await AfterChangeAsync();
        }
        if (Refusal(request, lines) is { } refused)
        {
            return refused;
        }
        // The order holds its stock from this moment, while the pupil is looked up: when a form opens and hundreds click
        // at once, those who come after the last item are answered at once, from memory, without a round trip.
        var id = Guid.CreateVersion7();
        var order = Draft(request, lines, id);
        orders.Add(order);
        checking.Add(id);
        string? pupilClass;
        try
        {
            pupilClass = await PupilClassAsync(request.PupilId);
        }
        finally
        {
            orders.Remove(order);
            checking.Remove(id);
        }
        // The school may have changed the form meanwhile: decided again, and from here to the order's place in the list
        // nothing awaits.
        if (Refusal(request, lines) is { } changed)
        {
            return changed;
        }
        if (pupilClass is null || !form!.IsFor(pupilClass))
        {
            return OrderResult.Refused(OrderRefusal.NotForPupil);
        }
        order = Draft(request, lines, id);
        orders.Add(order);
        var total = order.TotalCents;
        var byInvoice = order.InvoiceId is not null;
        if (form.Payment == OrderPayment.Wallet && total > 0)
        {
            unpaid.Add(id);
            var debit = await DebitAsync(order, form.Title);
            return Answer(order.Id, debit);
        }
        try
        {
            await store.InsertAsync(order);
        }
        catch
        {
            // The row may have been written with its answer lost: the next activation reads the truth again.
            orders.Remove(order);
            DeactivateOnIdle();
            throw;
        }
        if (byInvoice)
        {
            unissued.Add(id);
            await IssueAsync(order);
        }
        return new OrderResult(order, null);
    }

    /// <summary>The pupil's class when the pupil belongs to the form's school; null otherwise.</summary>
    async ValueTask<string?> PupilClassAsync(Guid pupilId)
    {
        if (clock.GetUtcNow() - classesReadAt > ClassesKept)
        {
            var reading = readingClasses ??= ReadClassesAsync();
            try
            {
                await reading;
            }
            finally
            {
                if (readingClasses == reading)
                {
                    readingClasses = null;
                }
            }
        }
        return classes.TryGetValue(pupilId, out var known) ? known : await store.PupilClassAsync(form!.SchoolId, pupilId);
    }

    async Task ReadClassesAsync()
    {
        var read = await store.PupilClassesAsync(form!.SchoolId);
        (classes, classesReadAt) = (read, clock.GetUtcNow());
    }

    /// <summary>The order the request makes on the form as it is, at its prices: its invoice, when it has one, bears its id.</summary>
    OrderView Draft(PlaceOrder request, List<OrderLineRequest> lines, Guid id)
    {
        var orderLines = lines.Select(l => (Line: l, Article: form!.Article(l.ArticleCode)!))
            .Select(x => new OrderLine(x.Line.ArticleCode, x.Line.Option, x.Article.Label, x.Line.Quantity, x.Article.PriceCents)).ToList();
        var total = orderLines.Sum(l => l.TotalCents);
        return new OrderView(id, formId, form!.SchoolId, request.PupilId, request.Key, orderLines, total, form.Payment,
            form.Payment == OrderPayment.Wallet ? form.Compartment : null, form.Payment == OrderPayment.Invoice && total > 0 ? id : null,
            OrderStatus.Placed, request.CausedBy, Now(), null, null);
    }

    /// <summary>What refuses the request against the form and the orders held this moment; null when it may be placed.</summary>
    OrderResult? Refusal(PlaceOrder request, List<OrderLineRequest> lines)
    {
        var today = SchoolTime.Today(clock);
        if (form is null || form.SchoolId != request.SchoolId)
        {
            return OrderResult.Refused(OrderRefusal.UnknownForm);
        }
        if (today < form.OpensOn)
        {
            return OrderResult.Refused(OrderRefusal.NotOpenYet);
        }
        if (today > form.ClosesOn)
        {
            return OrderResult.Refused(OrderRefusal.Closed);
        }
        if (lines.Count == 0)
        {
            return OrderResult.Refused(OrderRefusal.Empty);
        }
        foreach (var line in lines)
        {
            if (form.Article(line.ArticleCode) is not { Withdrawn: false } article)
            {
                return new OrderResult(null, OrderRefusal.UnknownArticle, line.ArticleCode);
            }
            if (article.Option(line.Option) is null)
            {
                return new OrderResult(null, OrderRefusal.UnknownOption, line.ArticleCode, line.Option);
            }
        }
        var total = lines.Sum(l => l.Quantity * form.Article(l.ArticleCode)!.PriceCents);
        if (total != request.ExpectedTotalCents)
        {
            return OrderResult.Refused(OrderRefusal.PriceChanged);
        }
        foreach (var article in lines.GroupBy(l => l.ArticleCode))
        {
            if (form.Article(article.Key)!.LimitPerPupil is { } limit)
            {
                var had = orders.Where(o => o.Holds && o.PupilId == request.PupilId).Sum(o => o.Quantity(article.Key));
                if (had + article.Sum(l => l.Quantity) > limit)
                {
                    return new OrderResult(null, OrderRefusal.OverLimit, article.Key, Left: Math.Max(0, limit - had));
                }
            }
        }
        foreach (var line in lines)
        {
            if (form.Article(line.ArticleCode)!.Option(line.Option)!.Stock is { } stock && Held(line.ArticleCode, line.Option) + line.Quantity > stock)
            {
                return new OrderResult(null, OrderRefusal.OutOfStock, line.ArticleCode, line.Option, Math.Max(0, stock - Held(line.ArticleCode, line.Option)));
            }
        }
        return null;
    }

    int Held(string articleCode, string option) => orders.Where(o => o.Holds).Sum(o => o.Quantity(articleCode, option));

    /// <summary>Debits a wallet order not yet confirmed, or joins the debit already under way for it.</summary>
    Task<MovementResult?> DebitAsync(OrderView order, string title)
    {
        if (debits.TryGetValue(order.Id, out var running))
        {
            return running;
        }
        var debit = DebitOnceAsync(order, title);
        if (!debit.IsCompleted)
        {
            debits[order.Id] = debit;
        }
        return debit;
    }

    /// <summary>
    /// The order's debit with its row attached (again: the key makes a retry the same movement). A decline takes the order
    /// out of the list, giving its stock back; an unanswered debit leaves it holding its stock until the reminder asks again.
    /// </summary>
    async Task<MovementResult?> DebitOnceAsync(OrderView order, string title)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(order.PupilId).DebitAsync(new Debit(order.DebitKey, order.Compartment!.Value,
                order.TotalCents, MovementKind.Order, PaymentMethod.Wallet, LedgerSubject.OrderPurchase(title), order.PlacedBy, new OrderWritten(order)));
            unpaid.Remove(order.Id);
            if (!result.Accepted)
            {
                orders.RemoveAll(o => o.Id == order.Id);
            }
            return result;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Order form {Form}: order {Order} waits for its payment and will be finished later", formId, order.Id);
            await WatchAsync();
            return null;
        }
        finally
        {
            debits.Remove(order.Id);
        }
    }

    OrderResult Answer(Guid orderId, MovementResult? debit) => debit switch
    {
        null => OrderResult.Refused(OrderRefusal.InProgress),
        { Accepted: true } => new OrderResult(Find(orderId), null,
            BalanceCents: debit.BalancesAfter.FirstOrDefault(b => b.Compartment == Find(orderId).Compartment)?.BalanceCents),
        { Reason: DeclineReason.InsufficientFunds } => OrderResult.Refused(OrderRefusal.InsufficientFunds) with { AvailableCents = debit.AvailableCents },
        _ => OrderResult.Refused(OrderRefusal.PaymentDeclined),
    };

    /// <summary>The answer once given to an order, rebuilt: the purse answers a known key with its first answer, moving nothing.</summary>
    async Task<OrderResult> ReplayAsync(OrderView order)
    {
        if (order.Payment != OrderPayment.Wallet || order.TotalCents == 0 || order.Status != OrderStatus.Placed)
        {
            return new OrderResult(order, null);
        }
        return Answer(order.Id, await DebitAsync(order, form?.Title ?? ""));
    }

    /// <summary>Issues the order's invoice under the order's id: issuing it again answers the invoice as it is.</summary>
    async Task IssueAsync(OrderView order)
    {
        try
        {
            var today = SchoolTime.Day(order.PlacedAt);
            var lines = order.Lines.Where(l => l.UnitCents > 0)
                .Select(l => new InvoiceLine(l.Option.Length == 0 ? l.Label : $"{l.Label} ({l.Option})", l.Quantity, l.UnitCents)).ToList();
            var issued = await GrainFactory.GetGrain<IInvoiceGrain>(order.InvoiceId!.Value).IssueAsync(new NewInvoice(order.SchoolId, order.PupilId,
                form?.Title ?? lines[0].Label, today, today.AddDays(form?.DueDays ?? 14), lines, order.PlacedBy));
            if (issued.Problem is { } problem)
            {
                logger.LogError("Order form {Form}: the invoice of order {Order} was refused ({Problem})", formId, order.Id, problem);
            }
            unissued.Remove(order.Id);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Order form {Form}: the invoice of order {Order} will be issued later", formId, order.Id);
            await WatchAsync();
        }
    }

    public async Task<OrderCancelResult> CancelAsync(CancelOrder request)
    {
        if (request is null || request.CausedBy is null || request.OrderId == Guid.Empty)
        {
            return OrderCancelResult.Refused(OrderCancelRefusal.InvalidRequest);
        }
        await settling.WaitAsync();
        try
        {
            if (orders.FirstOrDefault(o => o.Id == request.OrderId) is not { } order || order.SchoolId != request.SchoolId
                || order.PupilId != request.PupilId)
            {
                return OrderCancelResult.Refused(OrderCancelRefusal.UnknownOrder);
            }
            if (order.Status == OrderStatus.Cancelled)
            {
                return new OrderCancelResult(order, null, !owed.ContainsKey(order.Id));
            }
            if (unpaid.Contains(order.Id) || checking.Contains(order.Id))
            {
                return OrderCancelResult.Refused(OrderCancelRefusal.InProgress);
            }
            if (order.DeliveredAt is not null)
            {
                return OrderCancelResult.Refused(OrderCancelRefusal.Delivered);
            }
            if (!request.BySchool && (form is null || SchoolTime.Today(clock) > form.ClosesOn))
            {
                return OrderCancelResult.Refused(OrderCancelRefusal.Closed);
            }
            // Written cancelled first, so that the stock is free and the refund or credit owed survives a crash (the next
            // activation finds the cancellations whose money has not gone back, and sends it).
            var at = Now();
            await store.MarkCancelledAsync(order.Id, request.CausedBy.Name ?? request.CausedBy.Id ?? "", at);
            Replace(order with { Status = OrderStatus.Cancelled, CancelledAt = at });
            if (order.TotalCents == 0)
            {
                return new OrderCancelResult(Find(order.Id), null, true);
            }
            owed[order.Id] = request.CausedBy;
            return new OrderCancelResult(Find(order.Id), null, await GiveBackAsync(Find(order.Id)));
        }
        finally
        {
            settling.Release();
        }
    }

    /// <summary>The money of a cancelled order back where it came from; false when it could not be confirmed (it stays owed).</summary>
    async Task<bool> GiveBackAsync(OrderView order)
    {
        if (order.Payment == OrderPayment.Wallet)
        {
            return await RefundAsync(order);
        }
        if (unissued.Contains(order.Id))
        {
            await IssueAsync(order);
        }
        return !unissued.Contains(order.Id) && await CreditAsync(order);
    }

    /// <summary>The wallet order's refund under its key; false when the purse could not answer (it stays owed).</summary>
    async Task<bool> RefundAsync(OrderView order)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(order.PupilId).CreditAsync(new Credit(order.RefundKey, order.Compartment!.Value,
                order.TotalCents, MovementKind.Cancellation, PaymentMethod.Wallet, LedgerSubject.OrderCancellation(form?.Title ?? ""), owed[order.Id]));
            if (!result.Accepted)
            {
                logger.LogError("Order form {Form}: the purse refused the refund of order {Order} ({Reason})", formId, order.Id, result.Reason);
                await WatchAsync();
                return false;
            }
            owed.Remove(order.Id);
            return true;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Order form {Form}: the refund of order {Order} stays owed and will be paid later", formId, order.Id);
            await WatchAsync();
            return false;
        }
    }

    /// <summary>
    /// Credits the cancelled order's invoice in full; what was already paid on it goes back to the pupil's wallet. The
    /// reference makes asking again the same credit note.
    /// </summary>
    async Task<bool> CreditAsync(OrderView order)
    {
        try
        {
            var outcome = await GrainFactory.GetGrain<IInvoiceGrain>(order.InvoiceId!.Value)
                .CreditAsync(new CreditNote($"order-cancel/{order.Id}", null, "", owed[order.Id], ExcessHandling.Wallet));
            if (!outcome.Accepted && outcome.Reason != InvoiceDecline.NothingOwed)
            {
                logger.LogError("Order form {Form}: the invoice of order {Order} refused its credit note ({Reason})", formId, order.Id, outcome.Reason);
            }
            owed.Remove(order.Id);
            return true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Order form {Form}: the credit note of order {Order} will be made later", formId, order.Id);
            await WatchAsync();
            return false;
        }
    }

    public async Task<int> MarkDeliveredAsync(IReadOnlyList<Guid> orderIds, Actor causedBy)
    {
        if (orderIds is null || causedBy is null)
        {
            return 0;
        }
        await settling.WaitAsync();
        try
        {
            var delivering = orders.Where(o => orderIds.Contains(o.Id) && o.Holds && o.DeliveredAt is null && !unpaid.Contains(o.Id) && !checking.Contains(o.Id)).ToList();
            if (delivering.Count == 0)
            {
                return 0;
            }
            var at = Now();
            await store.MarkDeliveredAsync([.. delivering.Select(o => o.Id)], causedBy.Name ?? causedBy.Id ?? "", at);
            foreach (var order in delivering)
            {
                Replace(Find(order.Id) with { DeliveredAt = at });
            }
            return delivering.Count;
        }
        finally
        {
            settling.Release();
        }
    }

    /// <summary>
    /// Finishes what is left: wallet debits whose answer was lost, invoices not confirmed issued, refunds and credit notes
    /// owed. True when nothing is left.
    /// </summary>
    async Task<bool> SettleAsync()
    {
        await settling.WaitAsync();
        try
        {
            foreach (var id in unpaid.Where(id => !debits.ContainsKey(id) && !requests.Values.Any(r => r.Request.Key == Find(id).RequestKey)).ToList())
            {
                await DebitAsync(Find(id), form?.Title ?? "");
            }
            foreach (var id in unissued.ToList())
            {
                await IssueAsync(Find(id));
            }
            foreach (var id in owed.Keys.ToList())
            {
                await GiveBackAsync(Find(id));
            }
            var done = unpaid.Count == 0 && unissued.Count == 0 && owed.Count == 0;
            if (!done)
            {
                await WatchAsync();
            }
            return done;
        }
        finally
        {
            settling.Release();
        }
    }

    /// <summary>
    /// Wakes this grain after a crash or a lost answer to finish what it left, even if nobody orders again. Registered
    /// once per activation; a registration that failed is forgotten by its callers (see the purse's settings) and tried again.
    /// </summary>
    async Task WatchAsync()
    {
        var registering = watching ??= this.RegisterOrUpdateReminder(RecoveryReminder, recovery.Period, recovery.Period);
        try
        {
            await registering;
        }
        catch when (watching == registering)
        {
            watching = null;
            throw;
        }
    }

    /// <summary>The moment as PostgreSQL keeps it (microseconds), so an order read back equals the one answered.</summary>
    DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    OrderView Find(Guid id) => orders.First(o => o.Id == id);

    void Replace(OrderView order) => orders[orders.FindIndex(o => o.Id == order.Id)] = order;
}