namespace ItSchool.Meetings;

/// <summary>
/// A parent's way in to a meeting evening (key: the evening's id and <see cref="Timetables.AgendaKeyOf"/> the
/// parent). Every booking, move and cancellation for that parent — by the parent, the teacher or the school —
/// goes through it to their household's agenda (<see cref="IHouseholdAgendaGrain"/>), which holds the rules of
/// the pupil's family: the limit per teacher, and no time that overlaps another of the family's appointments
/// or comes too close to one.
/// </summary>
public interface IParentAgendaGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The parent's own appointments of the evening.</summary>
    Task<IReadOnlyList<Appointment>> GetAppointmentsAsync();

    Task<TimetableResult> BookAsync(Guid teacherId, Guid pupilId, int slot, bool byStaff = false);

    Task<TimetableResult> MoveAsync(Guid teacherId, int fromSlot, int toSlot, bool byStaff = false);

    Task<TimetableResult> CancelAsync(Guid teacherId, int slot, bool byStaff = false);
}