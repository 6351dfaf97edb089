namespace ItSchool.Meetings;

/// <summary>
/// A meeting evening as the school set it up, on one or more dates with the same hours. Slots are numbered
/// through the dates (the first date's slots, then the second's…), and every teacher's grid shares the same
/// slots, so "the same time with another teacher" is simply the same slot number.
/// <see cref="Revision"/> grows with every change the school makes, so a write decided on an older setup is
/// refused instead of landing on a slot whose time has changed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeetingEvening(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] string Name,
    [property: Id(3)] IReadOnlyList<DateOnly> Days,
    [property: Id(4)] TimeOnly Starts,
    [property: Id(5)] TimeOnly Ends,
    [property: Id(6)] int SlotMinutes,
    [property: Id(7)] DateTimeOffset OpensAt,
    [property: Id(8)] DateTimeOffset ClosesAt,
    [property: Id(9)] int? MaxPerPupil,
    [property: Id(10)] int MaxPerParentPerTeacher,
    [property: Id(11)] bool GapBetween,
    [property: Id(12)] IReadOnlyList<MeetingTeacher> Teachers,
    [property: Id(13)] long Revision = 1)
{
    public const int MaxDays = 10;

    public DateOnly FirstDay => Days[0];

    public DateOnly LastDay => Days[^1];

    public int SlotsPerDay => (int)((Ends - Starts).TotalMinutes / SlotMinutes);

    public int SlotCount => SlotsPerDay * Days.Count;

    public DateOnly SlotDay(int slot) => Days[slot / SlotsPerDay];

    public TimeOnly SlotStart(int slot) => Starts.AddMinutes(slot % SlotsPerDay * SlotMinutes);

    public TimeOnly SlotEnd(int slot) => SlotStart(slot).AddMinutes(SlotMinutes);

    /// <summary>The slot that starts on that day at that time, if the grid has one.</summary>
    public int? SlotAt(DateOnly day, TimeOnly time)
    {
        var dayIndex = Days.ToList().IndexOf(day);
        var minutes = (time - Starts).TotalMinutes;
        if (dayIndex < 0 || time < Starts || minutes % SlotMinutes != 0 || minutes / SlotMinutes >= SlotsPerDay)
        {
            return null;
        }
        return dayIndex * SlotsPerDay + (int)(minutes / SlotMinutes);
    }

    /// <summary>One right after the other on the same date (the last slot of a date is not next to the next date's first).</summary>
    public bool SideBySide(int slot, int other) => Math.Abs(slot - other) == 1 && slot / SlotsPerDay == other / SlotsPerDay;

    public bool IsOpen(DateTimeOffset now) => now >= OpensAt && now < ClosesAt;

    public MeetingTeacher? Teacher(Guid teacherId) => Teachers.FirstOrDefault(t => t.TeacherId == teacherId);

    /// <summary>The teachers a pupil's parents may book: those who see parents of the pupil's class, or of this pupil.</summary>
    public IEnumerable<MeetingTeacher> TeachersOf(string className, Guid pupilId) => Teachers.Where(t => t.Sees(className, pupilId));
}

/// <summary>A teacher taking part, who sees the parents of <paramref name="Classes"/> and of the chosen <paramref name="Pupils"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record MeetingTeacher(
    [property: Id(0)] Guid TeacherId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Room,
    [property: Id(3)] IReadOnlyList<string> Classes,
    [property: Id(4)] IReadOnlyList<Guid>? Pupils = null)
{
    public bool Sees(string className, Guid pupilId) =>
        Classes.Contains(className, StringComparer.OrdinalIgnoreCase) || Pupils?.Contains(pupilId) == true;
}

/// <summary>One of a parent's appointments, as their agenda and their list show it.</summary>
[GenerateSerializer, Immutable]
public sealed record Appointment(
    [property: Id(0)] Guid EveningId,
    [property: Id(1)] Guid TeacherId,
    [property: Id(2)] int Slot,
    [property: Id(3)] Guid ParentId,
    [property: Id(4)] Guid PupilId);