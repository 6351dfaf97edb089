using ItSchool.Live;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// Not reentrant: each request is decided and written before the next one is looked at, so "is this slot
/// free?" and "take it" can never be split by another parent's request. A refusal costs no database round
/// trip, which is what keeps the opening-night rush on a popular teacher short.
/// This grain calls no other grain and waits for none (the live publish is one-way): whoever calls it can
/// wait for it without any risk of a cycle.
/// </summary>
public sealed class TimetableGrain(NpgsqlDataSource db, TimeProvider clock, ILogger<TimetableGrain> logger) : Grain, ITimetableGrain
{
    readonly TimetableStore store = new(db);
    MeetingEvening? evening;
    MeetingTeacher? teacher;
    readonly Dictionary<int, Appointment> booked = [];
    HashSet<int> breaks = [];
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
        evening = await new MeetingEvenings(db).FindAsync(EveningId, cancellationToken);
        teacher = evening?.Teacher(TeacherId);
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
        // Versions only grow, across activations too, so a page never takes an older grid for a newer one;
        // microseconds stay below 2^53, so the browser compares them exactly.
        version = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    public Task<TimetableGrid> GetGridAsync() => Task.FromResult(Grid());

    public async Task<TimetableResult> BookSlotAsync(Booking booking)
    {
        if (Check(booking.Slot, booking.ByStaff) is { } refused)
        {
            return Refused(refused);
        }
        if (booked.TryGetValue(booking.Slot, out var holder))
        {
            // The same parent clicking twice gets the same answer; anyone else finds it taken.
            return holder.ParentId == booking.ParentId && holder.PupilId == booking.PupilId ? Accepted() : Refused(Refusal.SlotTaken);
        }
        if (breaks.Contains(booking.Slot))
        {
            return Refused(Refusal.SlotUnavailable);
        }
        if (booked.Values.Count(a => a.ParentId == booking.ParentId) >= evening!.MaxPerParentPerTeacher)
        {
            return Refused(Refusal.TeacherLimitReached);
        }
        var appointment = new Appointment(EveningId, TeacherId, booking.Slot, booking.ParentId, booking.PupilId);
        if (await Guarded(() => store.BookAsync(evening.SchoolId, appointment, teacher!.Classes, evening.MaxPerPupil, clock.GetUtcNow()))
            is { } refusal)
        {
            return Refused(refusal);
        }
        booked[booking.Slot] = appointment;
        return Changed();
    }

    public async Task<TimetableResult> MoveAppointmentAsync(Move move)
    {
        if (Check(move.ToSlot, move.ByStaff) is { } refused)
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
        if (booked.ContainsKey(move.ToSlot))
        {
            return Refused(Refusal.SlotTaken);
        }
        if (breaks.Contains(move.ToSlot))
        {
            return Refused(Refusal.SlotUnavailable);
        }
        if (!await Guarded(() => store.MoveAsync(appointment, move.ToSlot)))
        {
            return Refused(Refusal.NotYourAppointment);
        }
        booked.Remove(move.FromSlot);
        booked[move.ToSlot] = appointment with { Slot = move.ToSlot };
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
        await Guarded(async () =>
        {
            await store.CancelAsync(appointment);
            return true;
        });
        booked.Remove(cancellation.Slot);
        return Changed();
    }

    public async Task<TimetableResult> SetBreakAsync(int slot, bool isBreak)
    {
        if (Check(slot, byStaff: true) is { } refused)
        {
            return Refused(refused);
        }
        if (booked.ContainsKey(slot))
        {
            return Refused(Refusal.SlotBooked);
        }
        if (breaks.Contains(slot) == isBreak)
        {
            return Accepted();
        }
        await Guarded(async () =>
        {
            await store.SetBreakAsync(EveningId, TeacherId, slot, isBreak);
            return true;
        });
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
        GrainFactory.GetGrain<ILivePublisherGrain>(0).PublishAsync(new TimetableChanged(evening!.SchoolId, grid)).Ignore();
        return TimetableResult.Accepted(grid, changed: true);
    }

    TimetableResult Accepted() => TimetableResult.Accepted(Grid());

    TimetableResult Refused(Refusal reason) => TimetableResult.Refused(reason, Grid());

    TimetableGrid Grid() => evening is null || teacher is null
        ? TimetableGrid.None
        : new TimetableGrid(EveningId, TeacherId, version, Enumerable.Range(0, evening.SlotCount).Select(i =>
            booked.TryGetValue(i, out var a) ? new Slot(i, SlotState.Booked, a.ParentId, a.PupilId)
            : breaks.Contains(i) ? new Slot(i, SlotState.Break)
            : new Slot(i, SlotState.Free)).ToList());
}