using ItSchool.Live;
using ItSchool.Platform.Orleans;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// A school's meals on one day. Bookings interleave: each one's capacity is decided in memory, between two awaits,
/// against the day's list that already holds every booking decided before it (those still being paid too), so a
/// capacity is never exceeded while many parents' debits are in flight at once. A booking is written, as booked,
/// in the same commit as its debit (key meal/{id}), and a refund in the same commit as its credit (key
/// meal-refund/{id}): there is no half-written booking to finish after a crash. A debit or credit whose answer
/// was lost (the purse could not answer) stays owed in memory and is tried again under its key, which makes
/// every retry the same single movement; the reminder set meanwhile wakes the day to finish it. Refunds (a
/// cancellation, closing the day, withdrawing an article) go one batch at a time, after the bookings in flight
/// have landed.
/// </summary>
[Reentrant]
public sealed class MealDayGrain(MealBookings store, MealMenus menus, TimeProvider clock, RecoveryRetry recovery, ILogger<MealDayGrain> logger) : Grain, IMealDayGrain, IRemindable
{
    const string RecoveryReminder = "unfinished-bookings";

    Guid schoolId;
    DateOnly day;
    List<MealBookingView> bookings = [];
    readonly HashSet<Guid> changedPupils = [];
    Task? watching;

    // Requests being decided or paid, by their key: the same request twice at once is answered once.
    readonly Dictionary<string, (MealBooking Request, Task<BookingResult> Answer)> requests = [];
    // Bookings a live request is still paying: only that request finishes them.
    readonly HashSet<Guid> paying = [];
    // Debits under way, by booking: a replay or the reconcile joins the one running instead of racing it.
    readonly Dictionary<Guid, Task<MovementResult?>> debits = [];
    // Refunds decided whose credit could not be confirmed: tried again, under the same key, until the purse answers.
    readonly Dictionary<Guid, (RefundReason Reason, string? By, Actor CausedBy)> owed = [];
    // While the school closes the day or withdraws an article, a booking decided meanwhile is refused as if it were done.
    int closings;
    readonly Dictionary<string, int> withdrawals = [];
    readonly SemaphoreSlim refunds = new(1, 1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        schoolId = this.GetPrimaryKey(out var dayKey);
        day = MealDays.Parse(dayKey!);
        bookings = await store.LoadDayAsync(schoolId, day, cancellationToken);
        await ReconcileAsync();
        Announce();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await ReconcileAsync() && await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            watching = null;
        }
        Announce();
    }

    public Task<IReadOnlyList<MealBookingView>> GetBookingsAsync() => Task.FromResult<IReadOnlyList<MealBookingView>>(bookings.ToList());

    public async Task<BookingResult> BookAsync(MealBooking request)
    {
        if (string.IsNullOrWhiteSpace(request.Key) || request.Key.Length > 100 || string.IsNullOrWhiteSpace(request.ArticleCode)
            || request.ArticleCode.Length > 20 || request.PupilId == Guid.Empty || request.CausedBy is null)
        {
            return BookingResult.Refused(BookingRefusal.InvalidRequest);
        }
        if (requests.TryGetValue(request.Key, out var running))
        {
            var answer = await running.Answer;
            return SameRequest(running.Request, request) ? answer : BookingResult.Refused(BookingRefusal.InvalidRequest);
        }
        if (bookings.FirstOrDefault(b => b.RequestKey == request.Key) is { } earlier)
        {
            return earlier.PupilId == request.PupilId && earlier.ArticleCode == request.ArticleCode
                ? await ReplayAsync(earlier)
                : BookingResult.Refused(BookingRefusal.InvalidRequest);
        }

        var deciding = DecideAndPayAsync(request);
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

    static bool SameRequest(MealBooking first, MealBooking second) => first.PupilId == second.PupilId && first.ArticleCode == second.ArticleCode;

    async Task<BookingResult> DecideAndPayAsync(MealBooking request)
    {
        var inputs = await store.InputsAsync(schoolId, day, request.PupilId, request.ArticleCode);
        // From here to the booking's place in the list nothing awaits: the count below is the day's, this very moment.
        var today = SchoolTime.Today(clock);
        var article = inputs.Article;
        var refusal = inputs switch
        {
            { PupilClass: null } => BookingRefusal.UnknownPupil,
            { Closed: not null } => BookingRefusal.DayClosed,
            _ when closings > 0 => BookingRefusal.DayClosed,
            _ when day < today || day > today.AddDays(inputs.Rules.HorizonDays) => BookingRefusal.PastOrTooFar,
            _ when clock.GetUtcNow() >= inputs.Rules.CutOff(day) => BookingRefusal.AfterCutOff,
            { Article: null } => BookingRefusal.UnknownArticle,
            { Article.Withdrawn: true } => BookingRefusal.Withdrawn,
            _ when withdrawals.ContainsKey(request.ArticleCode) => BookingRefusal.Withdrawn,
            _ when !inputs.Rules.Allows(inputs.PupilClass) => BookingRefusal.ClassNotAllowed,
            _ when (inputs.PupilAllergens & article!.Allergens) != Allergens.None => BookingRefusal.Allergen,
            _ when article!.Capacity is { } capacity && bookings.Count(b => b.Holds && b.ArticleCode == request.ArticleCode) >= capacity
                => BookingRefusal.SoldOut,
            _ => (BookingRefusal?)null,
        };
        if (refusal is { } refused)
        {
            return BookingResult.Refused(refused, refused == BookingRefusal.Allergen ? inputs.PupilAllergens & article!.Allergens : Allergens.None)
                with
            { Day = inputs.PupilClass is null ? null : DayOf(request.PupilId, inputs) };
        }

        var booking = new MealBookingView(Guid.CreateVersion7(), schoolId, day, request.ArticleCode, article!.Label, request.PupilId,
            article.Compartment, article.PriceCents, request.Key, request.CausedBy, BookingStatus.Pending, null, clock.GetUtcNow());
        bookings.Add(booking);
        paying.Add(booking.Id);
        try
        {
            var debit = await DebitAsync(booking);
            Announce();
            return Answer(Find(booking.Id), debit) with { Day = DayOf(request.PupilId, inputs) };
        }
        finally
        {
            paying.Remove(booking.Id);
        }
    }

    /// <summary>The day as the pupil sees it now: the menu just read, and the pupil's meals from this grain's own list, which is the day's truth.</summary>
    PupilMealDay DayOf(Guid pupilId, BookingInputs inputs) => new(inputs.PupilAllergens, inputs.Offered, inputs.Closed,
        [.. bookings.Where(b => b.PupilId == pupilId && b.Holds).OrderBy(b => b.CreatedAt)
            .Select(b => new PupilMeal(b.Id, day, b.ArticleCode, b.Label, b.AmountCents, b.Status))],
        inputs.Rules);

    public async Task<CancelResult> CancelAsync(Guid bookingId, string key, Actor causedBy)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100 || causedBy is null)
        {
            return CancelResult.Refused(CancelRefusal.InvalidRequest);
        }
        await refunds.WaitAsync();
        try
        {
            return await CancelOneAsync(bookingId, causedBy);
        }
        finally
        {
            refunds.Release();
        }
    }

    async Task<CancelResult> CancelOneAsync(Guid bookingId, Actor causedBy)
    {
        if (bookings.FirstOrDefault(b => b.Id == bookingId) is not { } booking)
        {
            return CancelResult.Refused(CancelRefusal.UnknownBooking);
        }
        if (paying.Contains(bookingId))
        {
            return CancelResult.Refused(CancelRefusal.InProgress);
        }
        if (booking.Status == BookingStatus.Pending)
        {
            await DebitAsync(booking);
            booking = Find(bookingId);
        }
        MovementResult? credit = null;
        switch (booking.Status)
        {
            case BookingStatus.Pending:
                return CancelResult.Refused(CancelRefusal.InProgress);
            case BookingStatus.Failed:
                return CancelResult.Refused(CancelRefusal.NotBooked);
            case BookingStatus.Booked when owed.ContainsKey(bookingId):
                credit = await RefundAsync(booking);
                break;
            case BookingStatus.Booked:
                var rules = await menus.LoadRulesAsync(schoolId) ?? MealRules.Default;
                if (clock.GetUtcNow() >= rules.CutOff(day))
                {
                    return CancelResult.Refused(CancelRefusal.AfterCutOff);
                }
                owed[bookingId] = (RefundReason.CancelledByGuardian, causedBy.Name ?? causedBy.Id, causedBy);
                credit = await RefundAsync(booking);
                break;
            case BookingStatus.Cancelled:
                owed.TryAdd(bookingId, (booking.RefundReason ?? RefundReason.CancelledByGuardian, null, causedBy));
                credit = await RefundAsync(booking);
                break;
            case BookingStatus.Refunded:
                // Cancelled before: the purse answers the refund's key with its first answer, moving nothing.
                credit = await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId)
                    .CreditAsync(RefundOf(booking, booking.RefundReason ?? RefundReason.CancelledByGuardian, null, causedBy));
                break;
        }
        if (owed.ContainsKey(bookingId))
        {
            await WatchAsync();
        }
        Announce();
        return new CancelResult(Find(bookingId), credit?.BalancesAfter.FirstOrDefault(b => b.Compartment == booking.Compartment)?.BalanceCents, null);
    }

    public async Task<AbsenceRelease> ReleaseForAbsenceAsync(Guid pupilId, DateTimeOffset reportedAt, bool evenAfterCutOff, Actor causedBy)
    {
        await refunds.WaitAsync();
        try
        {
            var rules = await menus.LoadRulesAsync(schoolId) ?? MealRules.Default;
            var tooLate = !evenAfterCutOff && reportedAt >= rules.CutOff(day);
            var (kept, finished) = (0, true);
            foreach (var id in bookings.Where(b => b.PupilId == pupilId && b.Status is BookingStatus.Pending or BookingStatus.Booked or BookingStatus.Cancelled)
                .Select(b => b.Id).ToList())
            {
                if (paying.Contains(id))
                {
                    finished = false;
                    continue;
                }
                if (Find(id).Status == BookingStatus.Pending)
                {
                    await DebitAsync(Find(id));
                }
                var booking = Find(id);
                switch (booking.Status)
                {
                    case BookingStatus.Pending:
                        finished = false;
                        continue;
                    case BookingStatus.Booked when !owed.ContainsKey(id) && tooLate:
                        kept++;
                        continue;
                    case BookingStatus.Booked:
                        owed.TryAdd(id, (RefundReason.PupilAbsent, causedBy.Name ?? causedBy.Id, causedBy));
                        break;
                    case BookingStatus.Cancelled:
                        owed.TryAdd(id, (booking.RefundReason ?? RefundReason.PupilAbsent, null, causedBy));
                        break;
                    default:
                        continue;
                }
                finished &= await RefundAsync(booking) is not null;
            }
            if (!finished)
            {
                await WatchAsync();
            }
            Announce();
            var refunded = bookings.Count(b => b.PupilId == pupilId && b.Status == BookingStatus.Refunded && b.RefundReason == RefundReason.PupilAbsent);
            return new AbsenceRelease(refunded, kept, finished);
        }
        finally
        {
            refunds.Release();
        }
    }

    public async Task<int> CloseAsync(ClosureReason reason)
    {
        closings++;
        try
        {
            await menus.CloseDayAsync(schoolId, day, reason);
            await LandRequestsAsync();
            await ReconcileAsync();
        }
        finally
        {
            closings--;
        }
        Announce();
        return bookings.Count(b => b.RefundReason == RefundReason.DayClosed);
    }

    public async Task<bool> WithdrawAsync(string articleCode)
    {
        withdrawals[articleCode] = withdrawals.GetValueOrDefault(articleCode) + 1;
        try
        {
            if (!await menus.WithdrawAsync(schoolId, day, articleCode))
            {
                return false;
            }
            await LandRequestsAsync();
            await ReconcileAsync();
        }
        finally
        {
            if (--withdrawals[articleCode] == 0)
            {
                withdrawals.Remove(articleCode);
            }
        }
        Announce();
        return true;
    }

    /// <summary>
    /// Waits for the bookings decided before the day was closed or an article withdrawn: those the flag did not stop
    /// are then booked (or declined), and the reconcile that follows refunds them.
    /// </summary>
    async Task LandRequestsAsync()
    {
        foreach (var (_, answer) in requests.Values.ToList())
        {
            try
            {
                await answer;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Meals {School} {Day}: a booking in flight failed while the day changed", schoolId, day);
            }
        }
    }

    /// <summary>
    /// Finishes what is left: debits whose answer was lost (and bookings an earlier version left 'pending'), then the
    /// refunds owed — those a closed day or a withdrawn article calls for, those decided but not confirmed — all
    /// sent at once (the purses' ledger writes them together). True when nothing is left to finish. Bookings a
    /// live request is still paying are left to it (and keep the reminder).
    /// </summary>
    async Task<bool> ReconcileAsync()
    {
        await refunds.WaitAsync();
        try
        {
            foreach (var pending in bookings.Where(b => b.Status == BookingStatus.Pending && !paying.Contains(b.Id)).ToList())
            {
                await DebitAsync(pending);
            }
            var (closed, withdrawn) = await store.RefundCausesAsync(schoolId, day);
            foreach (var booking in bookings.Where(b => b.Status is BookingStatus.Booked or BookingStatus.Cancelled && !owed.ContainsKey(b.Id)))
            {
                var reason = booking.Status == BookingStatus.Cancelled ? booking.RefundReason
                    : closed ? RefundReason.DayClosed
                    : withdrawn.Contains(booking.ArticleCode) ? RefundReason.ArticleWithdrawn
                    : (RefundReason?)null;
                if (reason is { } owedFor)
                {
                    owed[booking.Id] = (owedFor, null, Actor.System);
                }
            }
            if (owed.Count > 0)
            {
                await WatchAsync();
                await Task.WhenAll(owed.Keys.ToList().Select(id => RefundAsync(Find(id))));
            }
            var done = paying.Count == 0 && owed.Count == 0 && bookings.All(b => b.Status != BookingStatus.Pending);
            if (!done)
            {
                await WatchAsync();
            }
            return done;
        }
        finally
        {
            refunds.Release();
        }
    }

    /// <summary>Debits a booking not yet paid, or joins the debit already under way for it.</summary>
    Task<MovementResult?> DebitAsync(MealBookingView booking)
    {
        if (debits.TryGetValue(booking.Id, out var running))
        {
            return running;
        }
        var debit = DebitOnceAsync(booking);
        if (!debit.IsCompleted)
        {
            debits[booking.Id] = debit;
        }
        return debit;
    }

    /// <summary>
    /// Debits the booking with its row attached (again: the key makes a retry the same movement) and records what the
    /// purse said. Unanswered, the booking stays pending — it holds its portion — and the reminder tries again.
    /// </summary>
    async Task<MovementResult?> DebitOnceAsync(MealBookingView booking)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId).DebitAsync(new Debit(booking.DebitKey, booking.Compartment,
                booking.AmountCents, MovementKind.MealReservation, PaymentMethod.Wallet, LedgerSubject.MealReservation(booking.Label, day), booking.BookedBy,
                new MealBookingWritten(booking, clock.GetUtcNow())));
            if (Find(booking.Id).Status != BookingStatus.Pending)
            {
                return result;
            }
            if (result.Accepted && !paying.Contains(booking.Id))
            {
                // Left 'pending' by an earlier version, which wrote the row before the debit: the debit may have landed without it.
                await store.MarkBookedAsync(booking.Id, clock.GetUtcNow());
            }
            if (!result.Accepted)
            {
                await store.RecordFailedAsync(booking, clock.GetUtcNow());
            }
            Replace(booking with { Status = result.Accepted ? BookingStatus.Booked : BookingStatus.Failed });
            return result;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Meals {School} {Day}: booking {Booking} stays pending and will be finished later", schoolId, day, booking.Id);
            await WatchAsync();
            return null;
        }
        finally
        {
            debits.Remove(booking.Id);
        }
    }

    /// <summary>Pays a refund owed with the booking's refunded row attached; null if the purse could not answer (it stays owed).</summary>
    async Task<MovementResult?> RefundAsync(MealBookingView booking)
    {
        var (reason, by, causedBy) = owed[booking.Id];
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId).CreditAsync(RefundOf(booking, reason, by, causedBy));
            if (!result.Accepted)
            {
                logger.LogError("Meals {School} {Day}: the purse refused the refund of booking {Booking} ({Reason})", schoolId, day, booking.Id, result.Reason);
                return null;
            }
            owed.Remove(booking.Id);
            Replace(Find(booking.Id) with { Status = BookingStatus.Refunded, RefundReason = Find(booking.Id).RefundReason ?? reason });
            return result;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Meals {School} {Day}: the refund of booking {Booking} stays owed and will be paid later", schoolId, day, booking.Id);
            return null;
        }
    }

    /// <summary>The refund's credit, with the booking's refunded row attached: the purse writes both in one commit, or answers a known key again.</summary>
    Credit RefundOf(MealBookingView booking, RefundReason reason, string? by, Actor causedBy) =>
        new(booking.RefundKey, booking.Compartment, booking.AmountCents, MovementKind.Cancellation, PaymentMethod.Wallet,
            LedgerSubject.MealCancellation(booking.Label, day), causedBy, new MealBookingRefunded(booking.Id, reason, by, clock.GetUtcNow()));

    /// <summary>The answer once given to a booking request, rebuilt: the purse answers a known key with its first answer, moving nothing.</summary>
    async Task<BookingResult> ReplayAsync(MealBookingView booking)
    {
        if (booking.Status == BookingStatus.Failed)
        {
            // Never debited again under its key: the purse does not remember declines, and a retry could now succeed.
            var compartment = (await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId).GetCompartmentsAsync())
                .FirstOrDefault(c => c.Compartment == booking.Compartment);
            return BookingResult.Refused(BookingRefusal.InsufficientFunds, available: compartment is null ? 0 : compartment.BalanceCents - compartment.FloorCents);
        }
        var debit = await DebitAsync(booking);
        return Answer(Find(booking.Id), debit);
    }

    static BookingResult Answer(MealBookingView booking, MovementResult? debit) => booking.Status switch
    {
        BookingStatus.Pending => BookingResult.Refused(BookingRefusal.InProgress),
        BookingStatus.Failed when debit?.Reason == DeclineReason.InsufficientFunds
            => BookingResult.Refused(BookingRefusal.InsufficientFunds, available: debit.AvailableCents),
        BookingStatus.Failed => BookingResult.Refused(BookingRefusal.PaymentDeclined),
        _ => new BookingResult(booking, debit?.BalancesAfter.FirstOrDefault(b => b.Compartment == booking.Compartment)?.BalanceCents, null,
            Allergens.None, null),
    };

    /// <summary>
    /// Wakes this grain after a crash or a lost answer to finish what it left, even if nobody books that day again. Registered
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

    MealBookingView Find(Guid id) => bookings.First(b => b.Id == id);

    void Replace(MealBookingView booking)
    {
        bookings[bookings.FindIndex(b => b.Id == booking.Id)] = booking;
        changedPupils.Add(booking.PupilId);
    }

    /// <summary>Tells the open kitchen pages and the changed pupils' calendars to read themselves again.</summary>
    void Announce()
    {
        if (changedPupils.Count > 0)
        {
            GrainFactory.Publish(new MealsChanged(schoolId, day, [.. changedPupils]));
            changedPupils.Clear();
        }
    }
}