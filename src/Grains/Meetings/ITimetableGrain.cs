using ItSchool.Live;
using Orleans.Concurrency;

namespace ItSchool.Meetings;

/// <summary>
/// One teacher's grid for one meeting evening (key: the evening's id and <see cref="Timetables.KeyOf"/> the
/// teacher). It owns the slots: book, move, cancel and breaks are decided here one at a time, so two parents
/// can never hold the same slot, and a family never holds more than the school allows with this teacher.
/// Parents' requests reach it through their household's agenda (<see cref="IHouseholdAgendaGrain"/>), which
/// guards the rules that span several teachers.
/// </summary>
public interface ITimetableGrain : IGrainWithGuidCompoundKey
{
    // A page waits on this read: 10 s, not the cluster's 30, when the silo that held the grain has died.
    [AlwaysInterleave]
    [ResponseTimeout("00:00:10")]
    Task<TimetableGrid> GetGridAsync();

    Task<TimetableResult> BookSlotAsync(Booking booking);

    Task<TimetableResult> MoveAppointmentAsync(Move move);

    Task<TimetableResult> CancelAppointmentAsync(Cancellation cancellation);

    /// <summary>A break or unavailable slot (or back to free); a booked slot must be cancelled first.</summary>
    Task<TimetableResult> SetBreakAsync(int slot, bool isBreak);

    /// <summary>The school changed or deleted the evening: read it again, and show watchers the new grid.</summary>
    [AlwaysInterleave]
    Task EveningChangedAsync();
}

/// <summary>
/// <paramref name="ByStaff"/>: the teacher or the school acting for the parent, also outside the booking window.
/// <paramref name="Elsewhere"/>: the slots the pupil's family holds with other teachers, as their household's
/// agenda knows them; the timetable holds them against the evening's current setup (same time, or too close
/// with the school's gap). <paramref name="Family"/>: the pupil's guardians, whose appointments with this
/// teacher count together towards the limit (the parent alone when not given).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Booking([property: Id(0)] Guid ParentId, [property: Id(1)] Guid PupilId, [property: Id(2)] int Slot,
    [property: Id(3)] bool ByStaff = false, [property: Id(4)] IReadOnlyList<int>? Elsewhere = null,
    [property: Id(5)] IReadOnlyList<Guid>? Family = null);

[GenerateSerializer, Immutable]
public sealed record Move([property: Id(0)] Guid ParentId, [property: Id(1)] int FromSlot, [property: Id(2)] int ToSlot,
    [property: Id(3)] bool ByStaff = false, [property: Id(4)] IReadOnlyList<int>? Elsewhere = null);

[GenerateSerializer, Immutable]
public sealed record Cancellation([property: Id(0)] Guid ParentId, [property: Id(1)] int Slot, [property: Id(2)] bool ByStaff = false);

/// <summary>
/// A teacher's grid changed; open pages of that timetable show the new version. The grain sends the evening it decided
/// with, so that the grid is drawn against the same one and the relay reads nothing during a booking rush.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TimetableChanged(Guid SchoolId, [property: Id(1)] TimetableGrid Grid, [property: Id(2)] MeetingEvening? Evening = null)
    : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [Topic(Grid.EveningId, Grid.TeacherId)];

    public override long Version => Grid.Version;

    public static string Topic(Guid eveningId, Guid teacherId) => $"timetable:{eveningId}:{teacherId}";
}

public static class Timetables
{
    // A string key part that always holds a non-hex character, so Orleans never reads it as a number.
    public static string KeyOf(Guid teacherId) => $"teacher-{teacherId:N}";

    public static string AgendaKeyOf(Guid parentId) => $"parent-{parentId:N}";

    public static string HouseholdKeyOf(Guid householdKey) => $"household-{householdKey:N}";

    public static ITimetableGrain Timetable(this IGrainFactory grains, Guid eveningId, Guid teacherId) =>
        grains.GetGrain<ITimetableGrain>(eveningId, KeyOf(teacherId), null);

    public static IParentAgendaGrain Agenda(this IGrainFactory grains, Guid eveningId, Guid parentId) =>
        grains.GetGrain<IParentAgendaGrain>(eveningId, AgendaKeyOf(parentId), null);

    public static IHouseholdAgendaGrain HouseholdAgenda(this IGrainFactory grains, Guid eveningId, Guid householdKey) =>
        grains.GetGrain<IHouseholdAgendaGrain>(eveningId, HouseholdKeyOf(householdKey), null);
}