using System.Collections.Concurrent;
using ItSchool.Live;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// The demo school on its own database with an in-process cluster, and a listener subscribed like a web node
/// to the timetables of every evening made here, which keeps the newest grid each of them published.
/// </summary>
public sealed class MeetingCluster : IAsyncLifetime
{
    public MigratedDatabase Database { get; } = new();
    public TestCluster Cluster { get; private set; } = null!;
    public GridWatcher Watcher { get; } = new();
    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        MeetingRushes.CloseIdleConnections();
        await Database.InitializeAsync();
        await DemoSchool.SeedIfEmptyAsync(Database.Db, NullLogger.Instance);
        // Hundreds of agendas wake at once in these tests; a bounded pool makes them queue for connections
        // instead of exhausting the test server that other test classes share.
        Cluster = await TestSilos.StartAsync(Database.ConnectionString + ";Maximum Pool Size=30");
        watcher = Cluster.Client.CreateObjectReference<ILiveObserver>(Watcher);
    }

    ILiveObserver watcher = null!;

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>
    /// An evening of the demo school from 8 April 2027 over <paramref name="days"/> dates, <paramref name="slots"/>
    /// ten-minute slots a date from 17:00, with <paramref name="teachers"/> new teachers, each seeing class 5A.
    /// </summary>
    public async Task<(MeetingEvening Evening, Guid[] Teachers)> NewEveningAsync(int teachers = 2, int slots = 20,
        DateTimeOffset? opensAt = null, int? maxPerPupil = null, int maxPerParentPerTeacher = 1, bool gap = false, int days = 1)
    {
        var ids = new Guid[teachers];
        for (var i = 0; i < teachers; i++)
        {
            ids[i] = Guid.CreateVersion7();
            await Database.ScalarAsync<int>("""
                WITH t AS (INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
                           VALUES (@id, @school, 'teacher-' || @id::text, 'Prof', @n, 'teacher') RETURNING 1)
                SELECT count(*)::int FROM t
                """, ("id", ids[i]), ("school", DemoSchool.Id), ("n", $"N°{i}"));
        }
        var opens = opensAt ?? DateTimeOffset.UtcNow.AddHours(-1);
        var evening = new MeetingEvening(Guid.CreateVersion7(), DemoSchool.Id, "Réunion de test",
            Enumerable.Range(0, days).Select(d => new DateOnly(2027, 4, 8).AddDays(d)).ToList(),
            new TimeOnly(17, 0), new TimeOnly(17, 0).AddMinutes(10 * slots), 10, opens, opens.AddDays(7), maxPerPupil,
            maxPerParentPerTeacher, gap, ids.Select(t => new MeetingTeacher(t, "", null, ["5A"])).ToList());
        await new MeetingEvenings(Database.Db).CreateAsync(evening, DateTimeOffset.UtcNow);
        foreach (var teacher in ids)
        {
            await Grains.GetGrain<ILiveTopicGrain>(TimetableChanged.Topic(evening.Id, teacher)).WatchAsync(watcher);
        }
        return (evening, ids);
    }

    /// <summary><paramref name="count"/> new families of the demo school: one parent, one child in <paramref name="className"/>.</summary>
    public async Task<IReadOnlyList<(Guid Parent, Guid Pupil)>> NewFamiliesAsync(int count, string className = "5A")
    {
        var families = Enumerable.Range(0, count).Select(_ => (Parent: Guid.CreateVersion7(), Pupil: Guid.CreateVersion7())).ToList();
        await Database.ScalarAsync<int>("""
            WITH f AS (SELECT * FROM unnest(@parents, @pupils) AS f (parent, pupil)),
            u AS (INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
                  SELECT parent, @school, 'parent-' || parent::text, 'Parent', 'Test', 'parent' FROM f RETURNING 1),
            p AS (INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
                  SELECT pupil, @school, 'Élève', 'Test', @class FROM f RETURNING 1)
            SELECT (SELECT count(*) FROM u)::int + (SELECT count(*) FROM p)::int
            """, ("parents", families.Select(f => f.Parent).ToArray()), ("pupils", families.Select(f => f.Pupil).ToArray()),
            ("school", DemoSchool.Id), ("class", className));
        await Database.ScalarAsync<int>("""
            WITH g AS (INSERT INTO guardianships (school_id, user_id, pupil_id)
                       SELECT @school, parent, pupil FROM unnest(@parents, @pupils) AS f (parent, pupil) RETURNING 1)
            SELECT count(*)::int FROM g
            """, ("parents", families.Select(f => f.Parent).ToArray()), ("pupils", families.Select(f => f.Pupil).ToArray()),
            ("school", DemoSchool.Id));
        return families;
    }

    public async Task AddGuardianAsync(Guid pupil, Guid parent) =>
        await Database.ScalarAsync<int>("""
            WITH g AS (INSERT INTO guardianships (school_id, user_id, pupil_id) VALUES (@school, @parent, @pupil) RETURNING 1)
            SELECT count(*)::int FROM g
            """, ("school", DemoSchool.Id), ("parent", parent), ("pupil", pupil));

    public Task<long> RowsAsync(Guid evening, Guid teacher) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t",
            ("e", evening), ("t", teacher));
}

/// <summary>Listens to live changes as a web node does and keeps each timetable's newest grid.</summary>
public sealed class GridWatcher : ILiveObserver
{
    readonly ConcurrentDictionary<(Guid, Guid), TimetableGrid> newest = new();

    public Task OnChangeAsync(string topic, LiveChange change)
    {
        if (change is TimetableChanged { Grid: var grid })
        {
            newest.AddOrUpdate((grid.EveningId, grid.TeacherId), grid, (_, known) => known.Version >= grid.Version ? known : grid);
        }
        return Task.CompletedTask;
    }

    public Task OnTopicLostAsync(string topic) => Task.CompletedTask;

    public TimetableGrid? Newest(Guid evening, Guid teacher) => newest.GetValueOrDefault((evening, teacher));
}