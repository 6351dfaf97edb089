using System.Collections.Concurrent;
using ItSchool.Live;
using ItSchool.Meetings;
using ItSchool.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Meetings;

/// <summary>
/// Relays timetable changes to the pages watching them on this node: the grid is rendered once per change
/// for all families (no names) and once for the staff (with names), whatever the number of watchers.
/// A household's change reaches its parents' pages through their live channel, where the family lists read
/// themselves again (each parent's list is their own). The node's <see cref="LiveRelay"/> hands it every change.
/// </summary>
public sealed class MeetingsRelay(IHubContext<MeetingsHub> hub, IHubContext<LiveHub> live, FragmentRenderer fragments,
    MeetingEvenings evenings, WatchedTimetables watched, ILogger<MeetingsRelay> logger) : ILiveChangeHandler
{
    // Per timetable, the newest change not yet sent. While one grid is being rendered and sent, newer
    // changes only replace each other here: on opening night the watchers get the grid as it is now, not
    // every version they would replace at once anyway.
    readonly ConcurrentDictionary<(Guid Evening, Guid Teacher), TimetableChanged> waiting = new();
    readonly ConcurrentDictionary<(Guid Evening, Guid Teacher), bool> sending = new();

    public void OnChange(LiveChange change)
    {
        if (change is HouseholdChanged household)
        {
            _ = live.Clients.Groups(household.Parents.Select(LiveGroups.User).ToList()).SendAsync("changed");
        }
        if (change is TimetableChanged timetable)
        {
            var key = (timetable.Grid.EveningId, timetable.Grid.TeacherId);
            waiting.AddOrUpdate(key, timetable, (_, known) => known.Grid.Version >= timetable.Grid.Version ? known : timetable);
            if (sending.TryAdd(key, true))
            {
                _ = SendWaitingAsync(key);
            }
        }
    }

    async Task SendWaitingAsync((Guid Evening, Guid Teacher) key)
    {
        while (true)
        {
            while (waiting.TryRemove(key, out var change))
            {
                await RelayAsync(change);
            }
            sending.TryRemove(key, out _);
            // A change that arrived between the last look and the release must not wait for the next one.
            if (waiting.IsEmpty || !waiting.ContainsKey(key) || !sending.TryAdd(key, true))
            {
                return;
            }
        }
    }

    async Task RelayAsync(TimetableChanged change)
    {
        var grid = change.Grid;
        try
        {
            var families = new WatchedTimetables.Key(grid.EveningId, grid.TeacherId, false);
            var staff = families with { Staff = true };
            if (!watched.Any(families) && !watched.Any(staff))
            {
                return;
            }
            var evening = await evenings.FindAsync(change.SchoolId, grid.EveningId);
            if (evening?.Teacher(grid.TeacherId) is null)
            {
                return;
            }
            if (watched.Any(families))
            {
                await hub.Clients.Group(families.Group).SendAsync("grid", await RenderAsync(evening, grid, staff: false));
            }
            if (watched.Any(staff))
            {
                await hub.Clients.Group(staff.Group).SendAsync("grid", await RenderAsync(evening, grid, staff: true));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not relay a change of timetable {Evening}/{Teacher}", grid.EveningId, grid.TeacherId);
        }
    }

    /// <summary>The families' grid (no names) or the staff's (names read from the database).</summary>
    public async Task<string> RenderAsync(MeetingEvening evening, TimetableGrid grid, bool staff) =>
        await fragments.RenderAsync<TimetableView>(new Dictionary<string, object?>
        {
            [nameof(TimetableView.Evening)] = evening,
            [nameof(TimetableView.Grid)] = grid,
            [nameof(TimetableView.Lines)] = staff ? await evenings.LinesAsync(evening.SchoolId, grid.EveningId, grid.TeacherId) : null,
        });
}