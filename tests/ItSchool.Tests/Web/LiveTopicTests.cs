using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Live;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace ItSchool.Tests.Web;

/// <summary>
/// The one live channel: a page watches only the topics its person may see, and a connection that comes back
/// with the version it last saw gets what changed meanwhile.
/// </summary>
public sealed partial class LiveTopicTests(LiveTopicTests.FlakyNode web) : IClassFixture<LiveTopicTests.FlakyNode>
{
    /// <summary>The demo node, whose purse fragments can be made to fail as they do while PostgreSQL restarts.</summary>
    public sealed class FlakyNode : WebNode
    {
        public FlakyNode() => TestServices = builder =>
        {
            var kinds = builder.Services.Where(s => s.ServiceType.IsClass && s.ServiceType.IsAssignableTo(typeof(ILiveTopic)))
                .Select(s => s.ServiceType).ToList();
            builder.Services.RemoveAll<ILiveTopic>();
            foreach (var kind in kinds)
            {
                builder.Services.AddSingleton(services => kind == typeof(PurseLiveTopic)
                    ? new Unreadable(services.GetRequiredService<PurseLiveTopic>(), this)
                    : (ILiveTopic)services.GetRequiredService(kind));
            }
        };

        /// <summary>While set, rendering a purse's change fails as it does when its recent operations cannot be read.</summary>
        public volatile bool DatabaseDown;

        public int FailedRenders;
    }

    sealed class Unreadable(PurseLiveTopic purse, FlakyNode node) : ILiveTopic
    {
        public string Kind => purse.Kind;

        public Task<LiveWatch?> AuthorizeAsync(SignedInUser user, string key, CancellationToken cancellationToken) =>
            purse.AuthorizeAsync(user, key, cancellationToken);

        public Task<ItSchool.Live.LiveChange?> CurrentAsync(Guid schoolId, string topic) => purse.CurrentAsync(schoolId, topic);

        public Task<LiveFragments?> PrepareAsync(ItSchool.Live.LiveChange change, IReadOnlyCollection<string> audiences)
        {
            if (node.DatabaseDown)
            {
                Interlocked.Increment(ref node.FailedRenders);
                throw new NpgsqlException("The database system is starting up");
            }
            return purse.PrepareAsync(change, audiences);
        }
    }

    [GeneratedRegex("""id="balances-[^"]+"[^>]*data-version="(\d+)""")]
    private static partial Regex BalancesVersion();

    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    LiveNode Node => web.Services.GetRequiredService<LiveNode>();

    [Fact]
    public async Task A_forged_topic_is_refused_joins_nothing_and_hears_nothing()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var elsewhere = await PupilOfAnotherSchoolAsync();
        var pushes = new ConcurrentQueue<string>();
        // Marc's only child is Chloé: his session opens her account.
        await using var marc = await ConnectAsync("marc.dubois", pushes);

        foreach (var forged in new[]
        {
            PurseChanged.Topic(lucas), PurseChanged.Topic(elsewhere), $"invoices:{lucas}", PersonTopic.Of(await UserIdAsync("amelie.lefevre")),
            $"purse:{chloe}x", "purse:", "purse", $"unknown:{chloe}", $"timetable:{chloe}",
        })
        {
            Assert.False(await marc.InvokeAsync<bool>("Watch", forged, 0L), forged);
            Assert.False(Node.IsWatched(forged), forged);
        }
        // A manager of the school is no guardian: the purse's page is the family's.
        await using var manager = await ConnectAsync("claire.dupont", new ConcurrentQueue<string>());
        Assert.False(await manager.InvokeAsync<bool>("Watch", PurseChanged.Topic(chloe), 0L));

        Assert.True(await marc.InvokeAsync<bool>("Watch", PurseChanged.Topic(chloe), long.MaxValue));
        await CreditAsync(lucas, 300);
        await CreditAsync(chloe, 200);
        // Chloé's change arrives; Lucas's, published first, never came to this node.
        await Eventually.TrueAsync(() => pushes.Contains(PurseChanged.Topic(chloe)), TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { PurseChanged.Topic(chloe) }, pushes.Distinct());
        Assert.False(Node.IsWatched(PurseChanged.Topic(lucas)));
    }

    [Fact]
    public async Task A_grid_is_not_watched_while_the_school_does_not_use_meetings()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single();
        var topic = TimetableChanged.Topic(evening.Id, evening.Teachers[0].TeacherId);
        var school = Grains.GetGrain<ISchoolGrain>(DemoSchool.Id);
        await using var manager = await ConnectAsync("claire.dupont", new ConcurrentQueue<string>());

        await school.DisableModuleAsync(SchoolModule.Meetings);
        try
        {
            Assert.False(await manager.InvokeAsync<bool>("Watch", topic, 0L));
            Assert.False(Node.IsWatched(topic));
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Meetings);
        }
        Assert.True(await manager.InvokeAsync<bool>("Watch", topic, 0L));
        Assert.True(Node.IsWatched(topic));
    }

    [Fact]
    public async Task A_client_coming_back_with_the_version_it_saw_gets_the_purse_as_it_is_now()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var topic = PurseChanged.Topic(chloe);
        using var page = await SignedIn.AsAsync(web, "marc.dubois");
        var seen = long.Parse(BalancesVersion().Match(await page.GetStringAsync("/e/demo/finances/soldes")).Groups[1].Value);

        // Nothing changed since the page: watching brings nothing.
        var first = new ConcurrentQueue<(long Version, string? Html)>();
        await using (var before = await ConnectAsync("marc.dubois", first))
        {
            Assert.True(await before.InvokeAsync<bool>("Watch", topic, seen));
        }
        Assert.Empty(first);

        // While the page's connection is down, money moves; coming back with the version it saw, it hears of it.
        var balance = (await Grains.GetGrain<IPurseGrain>(chloe).GetCompartmentsAsync())[0].BalanceCents;
        await CreditAsync(chloe, 450);
        var again = new ConcurrentQueue<(long Version, string? Html)>();
        await using var after = await ConnectAsync("marc.dubois", again);
        Assert.True(await after.InvokeAsync<bool>("Watch", topic, seen));
        // The client runs its handlers beside the invocation's answer: wait for the push, not for the answer.
        await Eventually.TrueAsync(() => !again.IsEmpty, TimeSpan.FromSeconds(10), "The returning client was not caught up.");
        var (version, html) = Assert.Single(again);
        Assert.True(version > seen);
        Assert.Contains($"data-version=\"{version}\"", html);
        Assert.Contains($"data-cents=\"{balance + 450}\"", html);

        // One that already shows that version is not sent it again.
        var current = new ConcurrentQueue<(long Version, string? Html)>();
        await using var upToDate = await ConnectAsync("marc.dubois", current);
        Assert.True(await upToDate.InvokeAsync<bool>("Watch", topic, version));
        Assert.Empty(current);
    }

    [Fact]
    public async Task A_change_that_could_not_be_rendered_reaches_its_watchers_once_the_database_is_back()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var pushes = new ConcurrentQueue<(long Version, string? Html)>();
        await using var marc = await ConnectAsync("marc.dubois", pushes);
        Assert.True(await marc.InvokeAsync<bool>("Watch", PurseChanged.Topic(chloe), long.MaxValue));

        web.DatabaseDown = true;
        try
        {
            await CreditAsync(chloe, 125);
            await Eventually.TrueAsync(() => Volatile.Read(ref web.FailedRenders) > 0, TimeSpan.FromSeconds(10), "The change was never rendered.");
        }
        finally
        {
            web.DatabaseDown = false;
        }
        // Nothing else changes Chloé's purse: the change that failed must come by itself, with her balance after it.
        var purse = await Grains.GetGrain<IPurseGrain>(chloe).GetPurseAsync();
        await Eventually.TrueAsync(() => pushes.Any(p => p.Version == purse.Version), TimeSpan.FromSeconds(10),
            "The change that failed to render never reached its watcher.");
        Assert.Contains($"data-cents=\"{purse.Compartments[0].BalanceCents}\"", pushes.Single(p => p.Version == purse.Version).Html);
    }

    Task CreditAsync(Guid pupil, long cents) =>
        Grains.GetGrain<IPurseGrain>(pupil).CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, cents, MovementKind.BankTopUp,
            PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));

    Task<HubConnection> ConnectAsync(string userName, ConcurrentQueue<string> topics) =>
        ConnectAsync(userName, (topic, _, _) => topics.Enqueue(topic));

    Task<HubConnection> ConnectAsync(string userName, ConcurrentQueue<(long, string?)> pushes) =>
        ConnectAsync(userName, (_, version, html) => pushes.Enqueue((version, html)));

    async Task<HubConnection> ConnectAsync(string userName, Action<string, long, string?> pushed)
    {
        var cookies = new CookieContainer();
        using var client = await SignedIn.AsAsync(web, userName, cookies: cookies);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.DemoSchool, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        connection.On<string, long, string?, bool>("live", (topic, version, html, _) => pushed(topic, version, html));
        await connection.StartAsync();
        return connection;
    }

    async Task<Guid> PupilOfAnotherSchoolAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("""
            WITH s AS (INSERT INTO schools (id, slug, name) VALUES (gen_random_uuid(), 'ailleurs-' || substr(md5(random()::text), 1, 8), 'Ailleurs')
                       RETURNING id)
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) SELECT gen_random_uuid(), s.id, 'Autre', 'Élève', '1A' FROM s
            RETURNING id
            """);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        query.Parameters.AddWithValue("name", userName);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }
}