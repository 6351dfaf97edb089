namespace ItSchool.Meetings;

public enum SlotState
{
    Free,
    Booked,
    Break,
}

/// <summary>A slot of a teacher's grid; who booked it is there for the teacher and the school only.</summary>
[GenerateSerializer, Immutable]
public sealed record Slot(
    [property: Id(0)] int Index,
    [property: Id(1)] SlotState State,
    [property: Id(2)] Guid? ParentId = null,
    [property: Id(3)] Guid? PupilId = null);

/// <summary>A teacher's whole grid at one version; every change makes a new version.</summary>
[GenerateSerializer, Immutable]
public sealed record TimetableGrid(
    [property: Id(0)] Guid EveningId,
    [property: Id(1)] Guid TeacherId,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyList<Slot> Slots)
{
    public static readonly TimetableGrid None = new(Guid.Empty, Guid.Empty, 0, []);
}

/// <summary>Why a booking, move, cancellation or break was refused; each has a message for the person.</summary>
public enum Refusal
{
    SlotTaken,
    SlotUnavailable,
    NoSuchSlot,
    OutsideWindow,
    PupilLimitReached,
    TeacherLimitReached,
    OverlapsOwnAppointment,
    TooCloseToOwnAppointment,
    NotYourAppointment,
    NotTheirTeacher,
    SlotBooked,
    UnknownTimetable,
    EveningChanged,
}

/// <summary>
/// The answer to a change: done or refused, and the grid as it is now (so the page can show it).
/// <see cref="Changed"/> is false when it was already so (a double click): nothing to announce again.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TimetableResult(
    [property: Id(0)] bool Done,
    [property: Id(1)] Refusal? Reason,
    [property: Id(2)] TimetableGrid Grid,
    [property: Id(3)] bool Changed = false)
{
    public static TimetableResult Accepted(TimetableGrid grid, bool changed = false) => new(true, null, grid, changed);

    public static TimetableResult Refused(Refusal reason, TimetableGrid grid) => new(false, reason, grid);
}