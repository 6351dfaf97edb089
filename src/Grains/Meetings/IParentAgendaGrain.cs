namespace ItSchool.Meetings;

/// <summary>
/// A parent's way in to a meeting evening (key: the evening's id and <see cref="Timetables.AgendaKeyOf"/> the
/// parent). Every booking, move and cancellation for that parent — by the parent, the teacher or the school —
/// goes through it to their household's agenda (<see cref="IHouseholdAgendaGrain"/>), which holds the rules of
/// the pupil's family: the limit per teacher, and no time that overlaps another of the family's appointments
/// or comes too close to one.
/// A web node is not told when a silo dies: without the timeouts below, a parent whose agenda was there would wait the
/// cluster's 30 s. A change made again after a timeout is answered as a double click is, so the retry is safe.
/// </summary>
public interface IParentAgendaGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The parent's own appointments of the evening.</summary>
    [ResponseTimeout("00:00:05")]
    Task<IReadOnlyList<Appointment>> GetAppointmentsAsync();

    [ResponseTimeout("00:00:10")]
    Task<TimetableResult> BookAsync(Guid teacherId, Guid pupilId, int slot, bool byStaff = false);

    [ResponseTimeout("00:00:10")]
    Task<TimetableResult> MoveAsync(Guid teacherId, int fromSlot, int toSlot, bool byStaff = false);

    [ResponseTimeout("00:00:10")]
    Task<TimetableResult> CancelAsync(Guid teacherId, int slot, bool byStaff = false);
}