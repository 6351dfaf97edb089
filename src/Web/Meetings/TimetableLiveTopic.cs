using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Meetings;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Meetings;

/// <summary>
/// "timetable:{eveningId}:{teacherId}": one teacher's grid. The school and the teacher themself watch the staff's
/// grid (with names); a parent watches the families' grid (no names), only for the teachers their open child may
/// book. Each grid is rendered once per change for all its watchers, whatever their number.
/// </summary>
public sealed class TimetableLiveTopic(IGrainFactory grains, MeetingEvenings evenings, GuardianLinks pupils, FragmentRenderer fragments) : ILiveTopic
{
    const string Staff = "staff";
    const string Families = "families";

    public string Kind => "timetable";

    public bool Announces => false;

    public async Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken)
    {
        if (Parse(key) is not var (eveningId, teacherId)
            || !(await grains.GetGrain<ISchoolGrain>(user.SchoolId).GetEnabledModulesAsync()).Contains(SchoolModule.Meetings)
            || await evenings.FindAsync(user.SchoolId, eveningId) is not { } evening || evening.Teacher(teacherId) is null)
        {
            return null;
        }
        var topic = TimetableChanged.Topic(eveningId, teacherId);
        if (user.Role == Role.Manager || (user.Role == Role.Teacher && user.Id == teacherId))
        {
            return new LiveWatch(topic, Staff);
        }
        return user.Role == Role.Parent && await MayBookAsync(user, evening, teacherId, cancellationToken) ? new LiveWatch(topic, Families) : null;
    }

    /// <summary>The rule of the family pages: the open child is still the parent's, and this teacher sees parents of that child.</summary>
    async Task<bool> MayBookAsync(SignedInUser parent, MeetingEvening evening, Guid teacherId, CancellationToken cancellationToken) =>
        parent.PupilId is { } pupilId
        && (await pupils.ChildrenOfAsync(parent.SchoolId, parent.Id, cancellationToken)).FirstOrDefault(c => c.Id == pupilId) is { } child
        && evening.TeachersOf(child.ClassName, child.Id).Any(t => t.TeacherId == teacherId);

    public async Task<LiveChange?> CurrentAsync(Guid schoolId, string topic) =>
        Parse(topic[(Kind.Length + 1)..]) is var (eveningId, teacherId)
            ? new TimetableChanged(schoolId, await grains.Timetable(eveningId, teacherId).GetGridAsync())
            : null;

    public async Task<LiveFragments?> PrepareAsync(LiveChange change, IReadOnlyCollection<string> audiences)
    {
        if (change is not TimetableChanged { Grid: var grid } changed
            || (changed.Evening ?? await evenings.FindAsync(change.SchoolId, grid.EveningId)) is not { } evening
            || evening.SchoolId != change.SchoolId || evening.Teacher(grid.TeacherId) is null)
        {
            return null;
        }
        var lines = audiences.Contains(Staff) ? await evenings.LinesAsync(evening.SchoolId, grid.EveningId, grid.TeacherId) : null;
        return async (audience, culture) => await RenderAsync(evening, grid, audience == Staff ? lines : null, culture);
    }

    /// <summary>The families' grid (no lines, so no names) or the staff's.</summary>
    public Task<string> RenderAsync(MeetingEvening evening, TimetableGrid grid, IReadOnlyList<AppointmentLine>? lines, System.Globalization.CultureInfo culture) =>
        fragments.RenderAsync<TimetableView>(culture, new Dictionary<string, object?>
        {
            [nameof(TimetableView.Evening)] = evening,
            [nameof(TimetableView.Grid)] = grid,
            [nameof(TimetableView.Lines)] = lines,
        });

    static (Guid Evening, Guid Teacher)? Parse(string key) =>
        key.Split(':') is [var evening, var teacher] && Guid.TryParse(evening, out var eveningId) && Guid.TryParse(teacher, out var teacherId)
            ? (eveningId, teacherId)
            : null;
}