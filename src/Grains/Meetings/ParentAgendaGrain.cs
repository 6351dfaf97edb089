using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// How the rule across teachers holds without two grains locking each other:
/// <list type="bullet">
/// <item>The agenda is not reentrant, so while it waits for a timetable no other request of this parent is
/// decided: the slots it hands the timetable as the parent's appointments elsewhere stay true for this
/// request alone (two tabs cannot both pass the check for 18:10 with two different teachers). The timetable
/// holds the new slot against them with the evening as the school set it up at that moment.</item>
/// <item>Calls go one way only, agenda → timetable. A timetable never calls an agenda, and an agenda never
/// calls another agenda or two timetables at once, so there is no cycle of grains waiting for each other, and
/// no deadlock, however many parents race.</item>
/// <item>The agenda records an appointment only after the timetable has written it; a refusal leaves nothing
/// to undo. If the call fails outright (the write may or may not have happened) the agenda forgets what it
/// knows and reads the parent's appointments again before the next decision.</item>
/// </list>
/// </summary>
public sealed class ParentAgendaGrain(NpgsqlDataSource db) : Grain, IParentAgendaGrain
{
    readonly TimetableStore store = new(db);
    List<Appointment>? appointments;

    Guid EveningId => this.GetPrimaryKey(out _);

    Guid ParentId
    {
        get
        {
            this.GetPrimaryKey(out var key);
            return Guid.ParseExact(key!["parent-".Length..], "N");
        }
    }

    public async Task<IReadOnlyList<Appointment>> GetAppointmentsAsync() => await KnownAsync();

    public async Task<TimetableResult> BookAsync(Guid teacherId, Guid pupilId, int slot, bool byStaff = false)
    {
        var known = await KnownAsync();
        var result = await Call(() => GrainFactory.Timetable(EveningId, teacherId)
            .BookSlotAsync(new Booking(ParentId, pupilId, slot, byStaff, Elsewhere(known, teacherId))));
        if (result.Done && !known.Any(a => a.TeacherId == teacherId && a.Slot == slot))
        {
            known.Add(new Appointment(EveningId, teacherId, slot, ParentId, pupilId));
        }
        return result;
    }

    public async Task<TimetableResult> MoveAsync(Guid teacherId, int fromSlot, int toSlot, bool byStaff = false)
    {
        var known = await KnownAsync();
        var moving = known.FirstOrDefault(a => a.TeacherId == teacherId && a.Slot == fromSlot);
        var result = await Call(() => GrainFactory.Timetable(EveningId, teacherId)
            .MoveAppointmentAsync(new Move(ParentId, fromSlot, toSlot, byStaff, Elsewhere(known, teacherId))));
        if (result.Done && moving is not null)
        {
            known[known.IndexOf(moving)] = moving with { Slot = toSlot };
        }
        return result;
    }

    public async Task<TimetableResult> CancelAsync(Guid teacherId, int slot, bool byStaff = false)
    {
        var known = await KnownAsync();
        var result = await Call(() => GrainFactory.Timetable(EveningId, teacherId).CancelAppointmentAsync(new Cancellation(ParentId, slot, byStaff)));
        if (result.Done)
        {
            known.RemoveAll(a => a.TeacherId == teacherId && a.Slot == slot);
        }
        return result;
    }

    static IReadOnlyList<int> Elsewhere(List<Appointment> known, Guid teacherId) =>
        known.Where(a => a.TeacherId != teacherId).Select(a => a.Slot).ToList();

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

    async Task<List<Appointment>> KnownAsync() => appointments ??= await store.AppointmentsOfAsync(EveningId, ParentId);
}