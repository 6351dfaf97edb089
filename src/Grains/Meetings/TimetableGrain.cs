using ItSchool.Live;
using Microsoft.Extensions.Logging;

namespace ItSchool.Meetings;

/// <summary>
/// Every decision is taken synchronously, between awaits, against the slots as they are plus the slots being
/// written: a slot whose booking is being written is already held, so a second parent is refused at once and
/// nobody waits behind a database round trip to hear "taken". Writes of different slots run side by side;
/// a slot is shown as booked to everybody only once its row is committed, or released if the write fails.
/// Calls of one household never overlap here: they come one at a time through that household's agenda.
/// This grain calls no other grain and waits for none (the live publish is one-way): whoever calls it can
/// wait for it without any risk of a cycle.
/// A family's limit with this teacher is counted here over every guardian of the pupil, the slots being
/// written included, so two guardians booking at once cannot both pass it. The rules across teachers are
/// held here too, against the slots the household's agenda says the family holds elsewhere: the agenda
/// knows the family, this grain knows the evening as the school set it up now.
/// </summary>
[Reentrant]
public sealed class TimetableGrain(TimetableStore store, MeetingEvenings evenings, TimeProvider clock, ILogger<TimetableGrain> logger) : Grain, ITimetableGrain
{
    MeetingEvening? evening;
    MeetingTeacher? teacher;
    readonly Dictionary<int, Appointment> booked = [];
    // Slots whose booking or move is being written, with the write's outcome (a double click waits for it).
    readonly Dictionary<int, (Appointment Appointment, Task<bool> Written)> writing = [];
    HashSet<int> breaks = [];
    readonly HashSet<int> breaksBeingWritten = [];
    long version;

    Guid EveningId => this.GetPrimaryKey(out _);

    Guid TeacherId
    {
        get
        {
            this.GetPrimaryKey(out var key);
            return Guid.ParseExact(key!["teacher-".Length..], "N");
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        // Versions only grow, across activations too, so a page never takes an older grid for a newer one;
        // microseconds stay below 2^53, so the browser compares them exactly.
        version = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        evening = await evenings.FindAsync(EveningId, cancellationToken);
        teacher = evening?.Teacher(TeacherId);
        booked.Clear();
        breaks = [];
        if (teacher is null)
        {
            return;
        }
        var (appointments, savedBreaks) = await store.LoadAsync(EveningId, TeacherId);
        foreach (var appointment in appointments)
        {
            booked[appointment.Slot] = appointment;
        }
        breaks = [.. savedBreaks];
    }

    public Task<TimetableGrid> GetGridAsync() => Task.FromResult(Grid());

    public async Task EveningChangedAsync()
    {
        await LoadAsync();
        if (teacher is not null)
        {
            Changed();
        }
    }

    public async Task<TimetableResult> BookSlotAsync(Booking booking)
    {
        if ((Check(booking.Slot, booking.ByStaff) ?? Clash(booking.Slot, booking.Elsewhere)) is { } refused)
        {
            return Refused(refused);
        }
        if (booked.TryGetValue(booking.Slot, out var holder))
        {
            // The same parent clicking twice gets the same answer; anyone else finds it taken.
            return Same(holder, booking) ? Accepted() : Refused(Refusal.SlotTaken);
        }
        if (writing.TryGetValue(booking.Slot, out var pending))
        {
            return Same(pending.Appointment, booking) && await pending.Written ? Accepted() : Refused(Refusal.SlotTaken);
        }
        if (breaks.Contains(booking.Slot) || breaksBeingWritten.Contains(booking.Slot))
        {
            return Refused(Refusal.SlotUnavailable);
        }
        if (booked.Values.Concat(writing.Values.Select(w => w.Appointment))
                .Count(a => a.ParentId == booking.ParentId || booking.Family?.Contains(a.ParentId) == true) >= evening!.MaxPerParentPerTeacher)
        {
            return Refused(Refusal.TeacherLimitReached);
        }
        var appointment = new Appointment(EveningId, TeacherId, booking.Slot, booking.ParentId, booking.PupilId);
        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        writing[booking.Slot] = (appointment, outcome.Task);
        Refusal? refusal;
        try
        {
            refusal = await Guarded(() => store.BookAsync(evening, appointment, teacher!, clock.GetUtcNow()));
        }
        catch
        {
            writing.Remove(booking.Slot);
            outcome.SetResult(false);
            throw;
        }
        writing.Remove(booking.Slot);
        outcome.SetResult(refusal is null);
        if (refusal is { } reason)
        {
            return await RefusedAsync(reason);
        }
        booked[booking.Slot] = appointment;
        return Changed();
    }

    public async Task<TimetableResult> MoveAppointmentAsync(Move move)
    {
        if ((Check(move.ToSlot, move.ByStaff) ?? Clash(move.ToSlot, move.Elsewhere)) is { } refused)
        {
            return Refused(refused);
        }
        if (!booked.TryGetValue(move.FromSlot, out var appointment) || appointment.ParentId != move.ParentId)
        {
            return Refused(Refusal.NotYourAppointment);
        }
        if (move.FromSlot == move.ToSlot)
        {
            return Accepted();
        }
        if (booked.ContainsKey(move.ToSlot) || writing.ContainsKey(move.ToSlot))
        {
            return Refused(Refusal.SlotTaken);
        }
        if (breaks.Contains(move.ToSlot) || breaksBeingWritten.Contains(move.ToSlot))
        {
            return Refused(Refusal.SlotUnavailable);
        }
        // The new slot is held from now on; the old one stays the parent's until the move is committed.
        var moved = appointment with { Slot = move.ToSlot };
        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        writing[move.ToSlot] = (moved, outcome.Task);
        Refusal? refusal;
        try
        {
            refusal = await Guarded(() => store.MoveAsync(appointment, move.ToSlot, evening!.Revision));
        }
        finally
        {
            writing.Remove(move.ToSlot);
        }
        outcome.SetResult(refusal is null);
        if (refusal is { } reason)
        {
            return await RefusedAsync(reason);
        }
        booked.Remove(move.FromSlot);
        booked[move.ToSlot] = moved;
        return Changed();
    }

    public async Task<TimetableResult> CancelAppointmentAsync(Cancellation cancellation)
    {
        if (Check(cancellation.Slot, cancellation.ByStaff) is { } refused)
        {
            return Refused(refused);
        }
        if (!booked.TryGetValue(cancellation.Slot, out var appointment) || appointment.ParentId != cancellation.ParentId)
        {
            return Refused(Refusal.NotYourAppointment);
        }
        // Until the row is gone the slot stays booked: nobody can take it before it is really free.
        if (await Guarded(() => store.CancelAsync(appointment, evening!.Revision)) is { } reason)
        {
            return await RefusedAsync(reason);
        }
        if (booked.GetValueOrDefault(cancellation.Slot) != appointment)
        {
            return Accepted();
        }
        booked.Remove(cancellation.Slot);
        return Changed();
    }

    public async Task<TimetableResult> SetBreakAsync(int slot, bool isBreak)
    {
        if (Check(slot, byStaff: true) is { } refused)
        {
            return Refused(refused);
        }
        if (booked.ContainsKey(slot) || writing.ContainsKey(slot))
        {
            return Refused(Refusal.SlotBooked);
        }
        if (breaks.Contains(slot) == isBreak || breaksBeingWritten.Contains(slot))
        {
            return Accepted();
        }
        // A break being written already refuses bookings; a break being lifted stays a break until it is.
        breaksBeingWritten.Add(slot);
        Refusal? refusal;
        try
        {
            refusal = await Guarded(() => store.SetBreakAsync(EveningId, TeacherId, slot, isBreak, evening!.Revision));
        }
        finally
        {
            breaksBeingWritten.Remove(slot);
        }
        if (refusal is { } reason)
        {
            return await RefusedAsync(reason);
        }
        if (isBreak)
        {
            breaks.Add(slot);
        }
        else
        {
            breaks.Remove(slot);
        }
        return Changed();
    }

    /// <summary>
    /// Another of the family's appointments at the same time, or, with the school's gap, right before or after
    /// it on the same date (time to walk to the other room).
    /// </summary>
    Refusal? Clash(int slot, IReadOnlyList<int>? elsewhere) =>
        elsewhere is null ? null
        : elsewhere.Contains(slot) ? Refusal.OverlapsOwnAppointment
        : evening!.GapBetween && elsewhere.Any(other => evening.SideBySide(slot, other)) ? Refusal.TooCloseToOwnAppointment
        : null;

    /// <summary>A write refused by the database; if the school changed the evening meanwhile, this grain reads it again first.</summary>
    async Task<TimetableResult> RefusedAsync(Refusal reason)
    {
        if (reason == Refusal.EveningChanged)
        {
            await EveningChangedAsync();
        }
        return Refused(reason);
    }

    static bool Same(Appointment held, Booking booking) => held.ParentId == booking.ParentId && held.PupilId == booking.PupilId;

    Refusal? Check(int slot, bool byStaff) =>
        teacher is null ? Refusal.UnknownTimetable
        : slot < 0 || slot >= evening!.SlotCount ? Refusal.NoSuchSlot
        : !byStaff && !evening.IsOpen(clock.GetUtcNow()) ? Refusal.OutsideWindow
        : null;

    /// <summary>
    /// If a write fails, whether it was committed is unknown: this activation's picture of the slots can no
    /// longer be trusted, so the next request finds a fresh one read from the database.
    /// </summary>
    async Task<T> Guarded<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Timetable {Evening}/{Teacher}: a write failed; reloading", EveningId, TeacherId);
            DeactivateOnIdle();
            throw;
        }
    }

    TimetableResult Changed()
    {
        version++;
        var grid = Grid();
        GrainFactory.Publish(new TimetableChanged(evening!.SchoolId, grid, evening));
        return TimetableResult.Accepted(grid, changed: true);
    }

    TimetableResult Accepted() => TimetableResult.Accepted(Grid());

    /// <summary>A refusal shows the slots being written as taken too: that is why a slot was refused.</summary>
    TimetableResult Refused(Refusal reason) => TimetableResult.Refused(reason, Grid(withWrites: true));

    /// <summary>Committed slots (what is being written shows once it is durable), unless asked otherwise.</summary>
    TimetableGrid Grid(bool withWrites = false) => evening is null || teacher is null
        ? TimetableGrid.None
        : new TimetableGrid(EveningId, TeacherId, version, Enumerable.Range(0, evening.SlotCount).Select(i =>
            booked.TryGetValue(i, out var a) ? new Slot(i, SlotState.Booked, a.ParentId, a.PupilId)
            : withWrites && writing.TryGetValue(i, out var w) ? new Slot(i, SlotState.Booked, w.Appointment.ParentId, w.Appointment.PupilId)
            : breaks.Contains(i) ? new Slot(i, SlotState.Break)
            : new Slot(i, SlotState.Free)).ToList());
}