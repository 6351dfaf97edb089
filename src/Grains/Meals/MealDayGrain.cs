using ItSchool.Live;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// A school's meals on one day. Bookings interleave: each one's capacity is decided in memory, between two awaits,
/// against the day's list that already holds every booking decided before it (pending ones too), so a capacity is
/// never exceeded while many parents' debits are in flight at once. Money moves as a saga with the pupil's purse:
/// the booking is written 'pending' before the debit (key meal/{id}) and 'booked' after; a refund is written
/// 'cancelled' before the credit (key meal-refund/{id}) and 'refunded' after. Whatever a crash interrupts, the next
/// activation (or the reminder that wakes one) finishes it, and the purse's keys make every retry the same single
/// movement. Refunds (a cancellation, closing the day, withdrawing an article, finishing after a crash) go one at
/// a time, after the bookings in flight have landed.
/// </summary>
[Reentrant]
public sealed class MealDayGrain(MealBookings store, MealMenus menus, TimeProvider clock, ILogger<MealDayGrain> logger) : Grain, IMealDayGrain, IRemindable
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
            { Closed: true } => BookingRefusal.DayClosed,
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
            return BookingResult.Refused(refused, refused == BookingRefusal.Allergen ? inputs.PupilAllergens & article!.Allergens : Allergens.None);
        }

        var booking = new MealBookingView(Guid.CreateVersion7(), schoolId, day, request.ArticleCode, article!.Label, request.PupilId,
            article.Compartment, article.PriceCents, request.Key, request.CausedBy, BookingStatus.Pending, null, clock.GetUtcNow());
        bookings.Add(booking);
        paying.Add(booking.Id);
        try
        {
            try
            {
                await WatchAsync();
                await store.InsertPendingAsync(booking);
            }
            catch
            {
                // Never written: the portion it held is free again, and nothing was debited.
                bookings.Remove(booking);
                throw;
            }
            changedPupils.Add(booking.PupilId);
            var debit = await DebitAsync(booking);
            Announce();
            return Answer(Find(booking.Id), debit);
        }
        finally
        {
            paying.Remove(booking.Id);
        }
    }

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
        switch (booking.Status)
        {
            case BookingStatus.Pending:
                return CancelResult.Refused(CancelRefusal.InProgress);
            case BookingStatus.Failed:
                return CancelResult.Refused(CancelRefusal.NotBooked);
            case BookingStatus.Booked:
                var rules = await menus.LoadRulesAsync(schoolId) ?? MealRules.Default;
                if (clock.GetUtcNow() >= rules.CutOff(day))
                {
                    return CancelResult.Refused(CancelRefusal.AfterCutOff);
                }
                await WatchAsync();
                await MarkCancelledAsync([booking], RefundReason.CancelledByGuardian, causedBy.Name ?? causedBy.Id);
                break;
        }
        var credit = await CreditAsync(Find(bookingId), causedBy);
        Announce();
        return new CancelResult(Find(bookingId), credit?.BalancesAfter.FirstOrDefault(b => b.Compartment == booking.Compartment)?.BalanceCents, null);
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
    /// are then booked (or failed), and the reconcile that follows refunds them.
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
    /// Finishes what is left half done: pending debits, then refunds owed (those a closed day or a withdrawn
    /// article calls for are written first). True when nothing is left to finish. Bookings a live request is
    /// still paying are left to it (and keep the reminder).
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
            var owed = bookings.Where(b => b.Status == BookingStatus.Booked && (closed || withdrawn.Contains(b.ArticleCode))).ToList();
            if (owed.Count > 0)
            {
                await WatchAsync();
                await MarkCancelledAsync(owed.Where(b => closed).ToList(), RefundReason.DayClosed, null);
                await MarkCancelledAsync(owed.Where(b => !closed).ToList(), RefundReason.ArticleWithdrawn, null);
            }
            foreach (var cancelled in bookings.Where(b => b.Status == BookingStatus.Cancelled).ToList())
            {
                await CreditAsync(cancelled, Actor.System);
            }
            var done = paying.Count == 0 && bookings.All(b => b.Status is not (BookingStatus.Pending or BookingStatus.Cancelled));
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

    /// <summary>Debits a pending booking, or joins the debit already under way for it.</summary>
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

    /// <summary>Debits a pending booking (again: the key makes a retry the same movement) and records what the purse said.</summary>
    async Task<MovementResult?> DebitOnceAsync(MealBookingView booking)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId).DebitAsync(new Debit(booking.DebitKey, booking.Compartment,
                booking.AmountCents, MovementKind.MealReservation, PaymentMethod.Wallet, LedgerSubject.MealReservation(booking.Label, day), booking.BookedBy));
            if (Find(booking.Id).Status != BookingStatus.Pending)
            {
                return result;
            }
            var now = clock.GetUtcNow();
            if (result.Accepted)
            {
                await store.MarkBookedAsync(booking.Id, now);
                Replace(booking with { Status = BookingStatus.Booked });
            }
            else
            {
                await store.MarkFailedAsync(booking.Id, now);
                Replace(booking with { Status = BookingStatus.Failed });
            }
            return result;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Meals {School} {Day}: booking {Booking} stays pending and will be finished later", schoolId, day, booking.Id);
            return null;
        }
        finally
        {
            debits.Remove(booking.Id);
        }
    }

    /// <summary>Pays a refund owed (again: the key makes a retry the same movement) and records it; null if the purse could not answer.</summary>
    async Task<MovementResult?> CreditAsync(MealBookingView booking, Actor causedBy)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IPurseGrain>(booking.PupilId).CreditAsync(new Credit(booking.RefundKey, booking.Compartment,
                booking.AmountCents, MovementKind.Cancellation, PaymentMethod.Wallet, LedgerSubject.MealCancellation(booking.Label, day), causedBy));
            if (!result.Accepted)
            {
                logger.LogError("Meals {School} {Day}: the purse refused the refund of booking {Booking} ({Reason})", schoolId, day, booking.Id, result.Reason);
                return null;
            }
            if (booking.Status == BookingStatus.Cancelled)
            {
                await store.MarkRefundedAsync(booking.Id, clock.GetUtcNow());
                Replace(booking with { Status = BookingStatus.Refunded });
            }
            return result;
        }
        catch (Exception e) when (e is PurseUnavailableException or OrleansException or TimeoutException or NpgsqlException)
        {
            logger.LogWarning(e, "Meals {School} {Day}: the refund of booking {Booking} stays owed and will be paid later", schoolId, day, booking.Id);
            return null;
        }
    }

    async Task MarkCancelledAsync(IReadOnlyList<MealBookingView> cancelled, RefundReason reason, string? by)
    {
        if (cancelled.Count == 0)
        {
            return;
        }
        await store.MarkCancelledAsync(cancelled.Select(b => b.Id).ToList(), reason, by, clock.GetUtcNow());
        foreach (var booking in cancelled)
        {
            Replace(booking with { Status = BookingStatus.Cancelled, RefundReason = reason });
        }
    }

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

    /// <summary>Wakes this grain after a crash to finish what it left, even if nobody books that day again.</summary>
    Task WatchAsync() => watching ??= RegisterReminderAsync();

    async Task RegisterReminderAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(RecoveryReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch
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