using ItSchool.Accounts;
using ItSchool.Live;

namespace ItSchool.Meetings;

/// <summary>
/// A household's appointments for one meeting evening, with every teacher (key: the evening's id and
/// <see cref="Timetables.HouseholdKeyOf"/> the <see cref="Household.Key"/>). Each request comes with the
/// household as its parent's agenda read it just before.
/// </summary>
public interface IHouseholdAgendaGrain : IGrainWithGuidCompoundKey
{
    Task<IReadOnlyList<Appointment>> GetAppointmentsAsync(Household household);

    Task<TimetableResult> BookAsync(Household household, HouseholdBooking booking);

    Task<TimetableResult> MoveAsync(Household household, HouseholdMove move);

    Task<TimetableResult> CancelAsync(Household household, HouseholdCancellation cancellation);
}

[GenerateSerializer, Immutable]
public sealed record HouseholdBooking([property: Id(0)] Guid ParentId, [property: Id(1)] Guid TeacherId, [property: Id(2)] Guid PupilId,
    [property: Id(3)] int Slot, [property: Id(4)] bool ByStaff);

[GenerateSerializer, Immutable]
public sealed record HouseholdMove([property: Id(0)] Guid ParentId, [property: Id(1)] Guid TeacherId, [property: Id(2)] int FromSlot,
    [property: Id(3)] int ToSlot, [property: Id(4)] bool ByStaff);

[GenerateSerializer, Immutable]
public sealed record HouseholdCancellation([property: Id(0)] Guid ParentId, [property: Id(1)] Guid TeacherId, [property: Id(2)] int Slot,
    [property: Id(3)] bool ByStaff);

/// <summary>A household's appointments of the evening changed; its parents' open family lists read them again.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdChanged(Guid SchoolId, [property: Id(1)] Guid EveningId, [property: Id(2)] IReadOnlyList<Guid> Parents)
    : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => Parents.Select(PersonTopic.Of).ToList();
}