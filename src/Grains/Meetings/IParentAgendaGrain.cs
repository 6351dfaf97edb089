namespace ItSchool.Meetings;

/// <summary>
/// A parent's appointments for one meeting evening, with every teacher (key: the evening's id and
/// <see cref="Timetables.AgendaKeyOf"/> the parent). Every booking, move and cancellation for that parent —
/// by the parent, the teacher or the school — goes through it, so it can refuse a time that overlaps another
/// of the parent's appointments, or comes too close to one, before the teacher's timetable takes the slot.
/// </summary>
public interface IParentAgendaGrain : IGrainWithGuidCompoundKey
{
    Task<IReadOnlyList<Appointment>> GetAppointmentsAsync();

    Task<TimetableResult> BookAsync(Guid teacherId, Guid pupilId, int slot, bool byStaff = false);

    Task<TimetableResult> MoveAsync(Guid teacherId, int fromSlot, int toSlot, bool byStaff = false);

    Task<TimetableResult> CancelAsync(Guid teacherId, int slot, bool byStaff = false);
}