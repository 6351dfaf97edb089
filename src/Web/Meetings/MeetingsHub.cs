using System.Collections.Concurrent;
using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Pupils;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The live channel of the meeting grids: a page asks to watch a timetable and joins its group, the
/// families' one (no names) or, for the teacher themself and the school, the staff one. A parent watches only
/// the grids the open child's pages show (the teachers the child may book), and only while the session is open.
/// </summary>
[Authorize]
public sealed class MeetingsHub(MeetingEvenings evenings, WatchedTimetables watched, IGrainFactory grains, MeetingsRelay relay,
    LiveSessions sessions, PupilDirectory pupils) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (await sessions.OpenAsync(Context) is not null)
        {
            await base.OnConnectedAsync();
        }
    }

    /// <summary>
    /// Joins the timetable's group; if the grid changed since the page's <paramref name="version"/> (while the
    /// page loaded, or while the connection was down), the caller gets it at once.
    /// </summary>
    public async Task<bool> Watch(string evening, string teacher, long version)
    {
        var user = SignedInUser.From(Context.User!);
        if (user is null || !Guid.TryParse(evening, out var eveningId) || !Guid.TryParse(teacher, out var teacherId)
            || await evenings.FindAsync(user.SchoolId, eveningId) is not { } found || found.Teacher(teacherId) is null)
        {
            return false;
        }
        var staff = user.Role == Role.Manager || (user.Role == Role.Teacher && user.Id == teacherId);
        if (!staff && !(user.Role == Role.Parent && await MayBookAsync(user, found, teacherId)))
        {
            return false;
        }
        if (!await sessions.IsOpenAsync(user, Context.ConnectionAborted))
        {
            Context.Abort();
            return false;
        }
        var key = new WatchedTimetables.Key(eveningId, teacherId, staff);
        await Groups.AddToGroupAsync(Context.ConnectionId, key.Group);
        watched.Add(key);
        if (!Context.Items.TryGetValue(nameof(WatchedTimetables), out var known) || known is not ConcurrentBag<WatchedTimetables.Key> mine)
        {
            Context.Items[nameof(WatchedTimetables)] = mine = [];
        }
        mine.Add(key);
        var grid = await grains.Timetable(eveningId, teacherId).GetGridAsync();
        if (grid.Version != version)
        {
            await Clients.Caller.SendAsync("grid", await relay.RenderAsync(found, grid, staff));
        }
        return true;
    }

    /// <summary>The rule of the family pages: the open child is still the parent's, and this teacher sees parents of that child.</summary>
    async Task<bool> MayBookAsync(SignedInUser parent, MeetingEvening evening, Guid teacherId) =>
        parent.PupilId is { } pupilId
        && (await pupils.ChildrenOfAsync(parent.SchoolId, parent.Id, Context.ConnectionAborted)).FirstOrDefault(c => c.Id == pupilId) is { } child
        && evening.TeachersOf(child.ClassName, child.Id).Any(t => t.TeacherId == teacherId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Close(Context);
        if (Context.Items.TryGetValue(nameof(WatchedTimetables), out var keys) && keys is ConcurrentBag<WatchedTimetables.Key> mine)
        {
            foreach (var key in mine)
            {
                watched.Remove(key);
            }
        }
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Which timetables pages on this node watch, so the relay renders only what somebody will see.</summary>
public sealed class WatchedTimetables
{
    readonly ConcurrentDictionary<Key, int> open = new();

    public sealed record Key(Guid EveningId, Guid TeacherId, bool Staff)
    {
        public string Group => $"timetable{(Staff ? "-staff" : "")}:{EveningId:N}:{TeacherId:N}";
    }

    public void Add(Key key) => open.AddOrUpdate(key, 1, (_, count) => count + 1);

    public void Remove(Key key)
    {
        if (open.AddOrUpdate(key, 0, (_, count) => count - 1) <= 0)
        {
            open.TryRemove(new KeyValuePair<Key, int>(key, 0));
        }
    }

    public bool Any(Key key) => open.TryGetValue(key, out var count) && count > 0;
}