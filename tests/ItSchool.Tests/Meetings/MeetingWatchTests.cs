using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Live;
using ItSchool.Web.Meetings;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// Who may watch a grid live, and what the families' grid tells a watcher: a parent follows only the grids of
/// the teachers their open child may book, and nothing in one teacher's grid lets them find the same family
/// on another teacher's.
/// </summary>
public sealed partial class MeetingWatchTests(WebNode web) : IClassFixture<WebNode>
{
    [GeneratedRegex("""data-(?:holder|booking)="([^"]+)""")]
    private static partial Regex Marker();

    [GeneratedRegex("""data-me="([^"]+)""")]
    private static partial Regex Me();

    [Fact]
    public async Task A_parent_watches_only_the_grids_of_the_teachers_their_open_child_may_book()
    {
        var evening = await EveningAsync();
        var (julien, sophie) = (TeacherId(evening, "Julien"), TeacherId(evening, "Sophie"));

        // Geneviève is in 1C: Julien Peeters sees her class, Sophie Martin does not.
        await using (var genevieve = await WatcherAsync("amelie.lefevre", "Geneviève"))
        {
            Assert.True(await WatchAsync(genevieve, evening.Id, julien));
            Assert.False(await WatchAsync(genevieve, evening.Id, sophie));
        }
        // With no child's account open (three children), no grid at all.
        await using (var noChild = await WatcherAsync("amelie.lefevre", null))
        {
            Assert.False(await WatchAsync(noChild, evening.Id, julien));
        }
        await using (var lucas = await WatcherAsync("amelie.lefevre", "Lucas"))
        {
            Assert.True(await WatchAsync(lucas, evening.Id, julien));
            Assert.True(await WatchAsync(lucas, evening.Id, sophie));
        }
        // A teacher watches their own grid only.
        await using var teacher = await WatcherAsync("sophie.martin", null);
        Assert.True(await WatchAsync(teacher, evening.Id, sophie));
        Assert.False(await WatchAsync(teacher, evening.Id, julien));
    }

    [Fact]
    public async Task No_marker_of_the_families_grid_appears_on_two_teachers_grids()
    {
        var evening = await EveningAsync();
        var (julien, sophie) = (TeacherId(evening, "Julien"), TeacherId(evening, "Sophie"));
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var marc = await UserIdAsync("marc.dubois");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        Assert.True((await grains.Agenda(evening.Id, marc).BookAsync(julien, chloe, 3)).Done);
        Assert.True((await grains.Agenda(evening.Id, marc).BookAsync(sophie, chloe, 5)).Done);

        // What another family's page shows of both grids, and what a live push carries.
        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Lucas")}");
        var pages = new List<string>();
        var pushes = new List<string>();
        var timetables = web.Services.GetRequiredService<TimetableLiveTopic>();
        foreach (var teacher in new[] { julien, sophie })
        {
            pages.Add(await amelie.GetStringAsync($"/e/demo/reunions/{evening.Id}/enseignants/{teacher}"));
            pushes.Add(await timetables.RenderAsync(evening, await grains.Timetable(evening.Id, teacher).GetGridAsync(), null,
                FragmentRenderer.DefaultCulture));
        }
        foreach (var (first, second) in new[] { (pages[0], pages[1]), (pushes[0], pushes[1]) })
        {
            Assert.Contains("slot booked", first);
            Assert.Contains("slot booked", second);
            Assert.Empty(Markers(first).Intersect(Markers(second)));
        }

        // The family itself still finds its own appointments on each grid.
        using var marcClient = await SignedIn.AsAsync(web, "marc.dubois");
        foreach (var teacher in new[] { julien, sophie })
        {
            var page = await marcClient.GetStringAsync($"/e/demo/reunions/{evening.Id}/enseignants/{teacher}");
            Assert.Contains(Me().Match(page).Groups[1].Value, Markers(page));
        }
    }

    static HashSet<string> Markers(string html) => Marker().Matches(html).Select(m => m.Groups[1].Value).ToHashSet();

    async Task<MeetingEvening> EveningAsync() =>
        (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single();

    static Guid TeacherId(MeetingEvening evening, string name) => evening.Teachers.Single(t => t.Name.StartsWith(name)).TeacherId;

    static Task<bool> WatchAsync(HubConnection connection, Guid evening, Guid teacher) =>
        connection.InvokeAsync<bool>("Watch", TimetableChanged.Topic(evening, teacher), 0L);

    async Task<HubConnection> WatcherAsync(string userName, string? child)
    {
        var cookies = new CookieContainer();
        using var client = await SignedIn.AsAsync(web, userName, cookies: cookies);
        if (child is not null)
        {
            Assert.Equal(HttpStatusCode.Redirect,
                (await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, child)}")).StatusCode);
        }
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/e/demo/mon-acces"));
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.DemoSchool, "hubs/live"), options =>
            {
                options.Cookies = cookies;
                options.Headers["RequestVerificationToken"] = token;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        query.Parameters.AddWithValue("name", userName);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}