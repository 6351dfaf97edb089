namespace ItSchool.Meetings;

/// <summary>
/// A meeting evening as the school set it up. Every teacher's grid shares the same slots (same start,
/// same length), so "the same time with another teacher" is simply the same slot number.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeetingEvening(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] string Name,
    [property: Id(3)] DateOnly Day,
    [property: Id(4)] TimeOnly Starts,
    [property: Id(5)] TimeOnly Ends,
    [property: Id(6)] int SlotMinutes,
    [property: Id(7)] DateTimeOffset OpensAt,
    [property: Id(8)] DateTimeOffset ClosesAt,
    [property: Id(9)] int? MaxPerPupil,
    [property: Id(10)] int MaxPerParentPerTeacher,
    [property: Id(11)] bool GapBetween,
    [property: Id(12)] IReadOnlyList<MeetingTeacher> Teachers)
{
    public int SlotCount => (int)((Ends - Starts).TotalMinutes / SlotMinutes);

    public TimeOnly SlotStart(int slot) => Starts.AddMinutes(slot * SlotMinutes);

    public TimeOnly SlotEnd(int slot) => SlotStart(slot + 1);

    public bool IsOpen(DateTimeOffset now) => now >= OpensAt && now < ClosesAt;

    public MeetingTeacher? Teacher(Guid teacherId) => Teachers.FirstOrDefault(t => t.TeacherId == teacherId);

    /// <summary>The teachers a pupil's parents may book: those who see parents of the pupil's class.</summary>
    public IEnumerable<MeetingTeacher> TeachersOf(string className) =>
        Teachers.Where(t => t.Classes.Contains(className, StringComparer.OrdinalIgnoreCase));
}

[GenerateSerializer, Immutable]
public sealed record MeetingTeacher(
    [property: Id(0)] Guid TeacherId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Room,
    [property: Id(3)] IReadOnlyList<string> Classes);

/// <summary>One of a parent's appointments, as their agenda and their list show it.</summary>
[GenerateSerializer, Immutable]
public sealed record Appointment(
    [property: Id(0)] Guid EveningId,
    [property: Id(1)] Guid TeacherId,
    [property: Id(2)] int Slot,
    [property: Id(3)] Guid ParentId,
    [property: Id(4)] Guid PupilId);