using ItSchool.Live;

namespace ItSchool.Meetings;

/// <summary>
/// How the family's rules across teachers hold without two grains locking each other:
/// <list type="bullet">
/// <item>The agenda is not reentrant, so while it waits for a timetable no other request of the household is
/// decided: the slots it hands the timetable as the family's appointments elsewhere stay true for this request
/// alone (two guardians, or two tabs, cannot both pass the check for 18:10 with two different teachers). The
/// timetable holds the new slot against them with the evening as the school set it up at that moment, and
/// counts the family's appointments with its teacher itself.</item>
/// <item>Calls go one way only, parent's agenda → household's agenda → timetable. A timetable never calls an
/// agenda, and a household's agenda never calls another agenda or two timetables at once, so there is no cycle
/// of grains waiting for each other, and no deadlock, however many parents race.</item>
/// <item>The agenda records an appointment only after the timetable has written it; a refusal leaves nothing
/// to undo. If the call fails outright (the write may or may not have happened), or the household is not the
/// one it knew (a guardianship came or went), the agenda reads the household's appointments again before the
/// next decision.</item>
/// </list>
/// A household is read by the parent's agenda just before each request; a guardianship changed in the
/// instant between that read and the decision is the one case not decided here.
/// </summary>
public sealed class HouseholdAgendaGrain(TimetableStore store) : Grain, IHouseholdAgendaGrain
{
    Household? known;
    List<Appointment>? appointments;

    Guid EveningId => this.GetPrimaryKey(out _);

    public async Task<IReadOnlyList<Appointment>> GetAppointmentsAsync(Household household) => await KnownAsync(household);

    public async Task<TimetableResult> BookAsync(Household household, HouseholdBooking booking)
    {
        var held = await KnownAsync(household);
        var family = household.FamilyOf(booking.PupilId, booking.ParentId);
        var result = await Call(() => GrainFactory.Timetable(EveningId, booking.TeacherId).BookSlotAsync(new Booking(booking.ParentId,
            booking.PupilId, booking.Slot, booking.ByStaff, Elsewhere(held, family, booking.TeacherId), family)));
        if (result.Done && !held.Any(a => a.TeacherId == booking.TeacherId && a.Slot == booking.Slot))
        {
            held.Add(new Appointment(EveningId, booking.TeacherId, booking.Slot, booking.ParentId, booking.PupilId));
        }
        return Announced(household, result);
    }

    public async Task<TimetableResult> MoveAsync(Household household, HouseholdMove move)
    {
        var held = await KnownAsync(household);
        var moving = held.FirstOrDefault(a => a.ParentId == move.ParentId && a.TeacherId == move.TeacherId && a.Slot == move.FromSlot);
        var family = moving is null ? [move.ParentId] : household.FamilyOf(moving.PupilId, move.ParentId);
        var result = await Call(() => GrainFactory.Timetable(EveningId, move.TeacherId).MoveAppointmentAsync(new Move(move.ParentId,
            move.FromSlot, move.ToSlot, move.ByStaff, Elsewhere(held, family, move.TeacherId))));
        if (result.Done && moving is not null)
        {
            held[held.IndexOf(moving)] = moving with { Slot = move.ToSlot };
        }
        return Announced(household, result);
    }

    public async Task<TimetableResult> CancelAsync(Household household, HouseholdCancellation cancellation)
    {
        var held = await KnownAsync(household);
        var result = await Call(() => GrainFactory.Timetable(EveningId, cancellation.TeacherId)
            .CancelAppointmentAsync(new Cancellation(cancellation.ParentId, cancellation.Slot, cancellation.ByStaff)));
        if (result.Done)
        {
            held.RemoveAll(a => a.TeacherId == cancellation.TeacherId && a.Slot == cancellation.Slot);
        }
        return Announced(household, result);
    }

    /// <summary>The family's appointments with the other teachers: the times the new one must keep clear of.</summary>
    static IReadOnlyList<int> Elsewhere(List<Appointment> held, IReadOnlyList<Guid> family, Guid teacherId) =>
        held.Where(a => a.TeacherId != teacherId && family.Contains(a.ParentId)).Select(a => a.Slot).ToList();

    /// <summary>Open family lists of the household follow what was just committed (the live publish is one-way).</summary>
    TimetableResult Announced(Household household, TimetableResult result)
    {
        if (result.Changed)
        {
            GrainFactory.Publish(new HouseholdChanged(household.SchoolId, EveningId, household.Parents));
        }
        return result;
    }

    async Task<TimetableResult> Call(Func<Task<TimetableResult>> call)
    {
        try
        {
            return await call();
        }
        catch
        {
            appointments = null;
            throw;
        }
    }

    async Task<List<Appointment>> KnownAsync(Household household)
    {
        if (appointments is null || known?.SameAs(household) != true)
        {
            appointments = null;
            known = household;
            appointments = await store.AppointmentsOfAsync(EveningId, household.Parents);
        }
        return appointments;
    }
}