
namespace ItSchool.Meetings;

/// <summary>
/// Holds nothing: it reads the parent's household at each request (guardianships change with imports and
/// invitations, and two parents who become one child's guardians must from then on be decided by one
/// agenda) and hands the request to that household's agenda.
/// </summary>
[StatelessWorker]
public sealed class ParentAgendaGrain(Households households) : Grain, IParentAgendaGrain
{

    Guid EveningId => this.GetPrimaryKey(out _);

    Guid ParentId
    {
        get
        {
            this.GetPrimaryKey(out var key);
            return Guid.ParseExact(key!["parent-".Length..], "N");
        }
    }

    public async Task<IReadOnlyList<Appointment>> GetAppointmentsAsync()
    {
        var household = await households.OfAsync(ParentId);
        return (await Agenda(household).GetAppointmentsAsync(household)).Where(a => a.ParentId == ParentId).ToList();
    }

    public async Task<TimetableResult> BookAsync(Guid teacherId, Guid pupilId, int slot, bool byStaff = false)
    {
        var household = await households.OfAsync(ParentId);
        return await Agenda(household).BookAsync(household, new HouseholdBooking(ParentId, teacherId, pupilId, slot, byStaff));
    }

    public async Task<TimetableResult> MoveAsync(Guid teacherId, int fromSlot, int toSlot, bool byStaff = false)
    {
        var household = await households.OfAsync(ParentId);
        return await Agenda(household).MoveAsync(household, new HouseholdMove(ParentId, teacherId, fromSlot, toSlot, byStaff));
    }

    public async Task<TimetableResult> CancelAsync(Guid teacherId, int slot, bool byStaff = false)
    {
        var household = await households.OfAsync(ParentId);
        return await Agenda(household).CancelAsync(household, new HouseholdCancellation(ParentId, teacherId, slot, byStaff));
    }

    IHouseholdAgendaGrain Agenda(Household household) => GrainFactory.HouseholdAgenda(EveningId, household.Key);
}