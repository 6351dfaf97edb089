using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meetings;

[Collection(MeetingRushes.Name)]
public sealed partial class MeetingLiveTests(MeetingLiveTests.BoundedNode node) : IClassFixture<MeetingLiveTests.BoundedNode>
{
    /// <summary>The web node on a bounded connection pool: two hundred agendas wake at once here.</summary>
    public sealed class BoundedNode : IAsyncLifetime
    {
        public WebNode Web { get; } = new();

        public async Task InitializeAsync()
        {
            MeetingRushes.CloseIdleConnections();
            await Web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync() + ";Maximum Pool Size=30");
        }

        public Task DisposeAsync() => Web.DisposeAsync();
    }

    readonly WebNode web = node.Web;

    [GeneratedRegex("""<li class="slot (\w+)[^"]*"\s+data-slot="(\d+)""")]
    private static partial Regex SlotTag();

    [GeneratedRegex("""data-version="(\d+)""")]
    private static partial Regex VersionAttribute();

    [Fact]
    public async Task After_two_hundred_families_race_for_one_teacher_every_watcher_shows_the_grains_grid()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single();
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        var families = await NewFamiliesAsync(200, "4B");
        var grains = web.Services.GetRequiredService<IGrainFactory>();

        var watchers = new List<(HubConnection Connection, ConcurrentBag<string> Grids)>();
        // A parent watches a grid from the page of a child the teacher sees: Amélie opens Lucas (4B) first.
        foreach (var (userName, child) in new[] { ("marc.dubois", null), ("amelie.lefevre", "Lucas"), ("julien.peeters", null), ("claire.dupont", (string?)null) })
        {
            watchers.Add(await WatchAsync(userName, child, evening.Id, julien));
        }

        var results = await Task.WhenAll(families.Select((f, i) => grains.Agenda(evening.Id, f.Parent).BookAsync(julien, f.Pupil, i % evening.SlotCount)));

        Assert.Equal(evening.SlotCount, results.Count(r => r.Done));
        Assert.All(results.Where(r => !r.Done), r => Assert.Equal(Refusal.SlotTaken, r.Reason));
        var grid = await grains.Timetable(evening.Id, julien).GetGridAsync();
        var expected = grid.Slots.Select(s => (s.Index, s.State.ToString().ToLowerInvariant())).ToList();
        foreach (var (connection, grids) in watchers)
        {
            string? newest = null;
            await Eventually.TrueAsync(() => (newest = grids.MaxBy(Version)) is not null && Version(newest) == grid.Version,
                TimeSpan.FromSeconds(10), $"A watcher never received version {grid.Version}.");
            Assert.Equal(expected, SlotTag().Matches(newest!).Select(m => (int.Parse(m.Groups[2].Value), m.Groups[1].Value)).ToList());
            await connection.DisposeAsync();
        }
    }

    static long Version(string html) => long.Parse(VersionAttribute().Match(html).Groups[1].Value);

    async Task<(HubConnection, ConcurrentBag<string>)> WatchAsync(string userName, string? child, Guid evening, Guid teacher)
    {
        var cookies = new CookieContainer();
        using var client = await SignedIn.AsAsync(web, userName, cookies: cookies);
        if (child is not null)
        {
            await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, child)}");
        }
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/e/demo/mon-acces"));
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.DemoSchool, "hubs/live"), options =>
            {
                options.Cookies = cookies;
                options.Headers["RequestVerificationToken"] = token;
            })
            .Build();
        var grids = new ConcurrentBag<string>();
        connection.On<string, long, string?, bool>("live", (topic, _, html, _) =>
        {
            if (topic == TimetableChanged.Topic(evening, teacher) && html is not null)
            {
                grids.Add(html);
            }
        });
        await connection.StartAsync();
        Assert.True(await connection.InvokeAsync<bool>("Watch", TimetableChanged.Topic(evening, teacher), 0L));
        return (connection, grids);
    }

    async Task<IReadOnlyList<(Guid Parent, Guid Pupil)>> NewFamiliesAsync(int count, string className)
    {
        var families = Enumerable.Range(0, count).Select(_ => (Parent: Guid.CreateVersion7(), Pupil: Guid.CreateVersion7())).ToList();
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("""
            WITH f AS (SELECT * FROM unnest(@parents, @pupils) AS f (parent, pupil)),
            u AS (INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
                  SELECT parent, @school, 'parent-' || parent::text, 'Parent', 'Test', 'parent' FROM f),
            p AS (INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
                  SELECT pupil, @school, 'Élève', 'Test', @class FROM f)
            SELECT 1
            """);
        command.Parameters.AddWithValue("parents", families.Select(f => f.Parent).ToArray());
        command.Parameters.AddWithValue("pupils", families.Select(f => f.Pupil).ToArray());
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("class", className);
        await command.ExecuteNonQueryAsync();
        await using var guardians = db.CreateCommand("""
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, parent, pupil FROM unnest(@parents, @pupils) AS f (parent, pupil)
            """);
        guardians.Parameters.AddWithValue("parents", families.Select(f => f.Parent).ToArray());
        guardians.Parameters.AddWithValue("pupils", families.Select(f => f.Pupil).ToArray());
        guardians.Parameters.AddWithValue("school", DemoSchool.Id);
        await guardians.ExecuteNonQueryAsync();
        return families;
    }
}