using System.Collections.Concurrent;
using ItSchool.Meetings;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>
/// Parents booking, moving and cancelling parent–teacher meetings through the grains while the cluster is hurt (the bench
/// is itself a client of the cluster, as a web node is). A call that fails is made again until it is answered; what must
/// hold after: no slot held twice, every teacher's grid equal to its rows.
/// </summary>
sealed class ChaosMeetings(IGrainFactory grains, ChaosLoad load, Guid evening, Guid[] teachers, IReadOnlyList<(Guid Parent, Guid Pupil)> families)
{
    public static async Task<ChaosMeetings> SetUpAsync(NpgsqlDataSource db, IGrainFactory grains, ChaosLoad load)
    {
        var (evening, teachers, families) = await MeetingsScenario.SetUpAsync(db, 200, 4);
        return new ChaosMeetings(grains, load, evening, teachers, families);
    }

    /// <summary>One parent at a time from the queue: book a slot, then move it or cancel it, and back in the queue.</summary>
    public async Task RunAsync(int seed, ConcurrentQueue<int> turns, ConcurrentDictionary<int, int> held, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested && turns.TryDequeue(out var family))
        {
            var (parent, pupil) = families[family];
            var teacher = teachers[family % teachers.Length];
            var agenda = grains.Agenda(evening, parent);
            var slot = random.Next(MeetingsScenario.Slots);
            if (!held.TryGetValue(family, out var current))
            {
                if (await load.CallUntilAnsweredAsync("meeting", () => agenda.BookAsync(teacher, pupil, slot)) is { Done: true })
                {
                    held[family] = slot;
                }
            }
            else if (random.Next(2) == 0)
            {
                if (await load.CallUntilAnsweredAsync("meeting", () => agenda.MoveAsync(teacher, current, slot)) is { Done: true })
                {
                    held[family] = slot;
                }
            }
            else if (await load.CallUntilAnsweredAsync("meeting", () => agenda.CancelAsync(teacher, current)) is { Done: true })
            {
                held.TryRemove(family, out _);
            }
            turns.Enqueue(family);
        }
    }

    /// <summary>Every family once, in turn: a family is in one parent's hands at a time.</summary>
    public ConcurrentQueue<int> Turns() => new(Enumerable.Range(0, families.Count));

    /// <summary>Slots held twice (must be none) and whether every grid equals its teacher's rows.</summary>
    public async Task<(long Doubles, bool GridsMatchRows)> CheckAsync(NpgsqlDataSource db) =>
        (await MeetingsScenario.DoublesAsync(db, evening), await MeetingsScenario.RowsMatchAsync(db, grains, evening, teachers));
}