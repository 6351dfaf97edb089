using ItSchool.Live;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Wallets;

public sealed class MultiNodeLiveTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    readonly WebNode first = new() { UseEphemeralKeys = false };
    readonly WebNode second = new() { UseEphemeralKeys = false };

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        // The same database and cluster id: the two nodes' silos form one cluster, as behind a load balancer.
        await second.StartAsync(first.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await second.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task A_session_opened_on_one_node_is_valid_on_the_other()
    {
        var cookies = new System.Net.CookieContainer();
        using var viaFirst = await SignedIn.AsAsync(first, "claire.dupont", cookies: cookies);
        // Both nodes listen on 127.0.0.1, so the browser's cookie goes to either: the shared key ring opens it.
        using var viaSecond = second.CreateClient(cookies);
        var dashboard = await viaSecond.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Bienvenue, Claire", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_transfer_made_through_one_node_updates_a_page_served_by_the_other()
    {
        var page = await chromium.SignInAsync(first, "pierre.lefevre");
        await page.Locator(".account-card").Filter(new() { HasText = "Lucas" })
            .GetByRole(AriaRole.Button, new() { Name = "Se connecter avec ce compte" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var meals = page.Locator(".compartment[data-compartment='2'] .balance");
        var before = long.Parse((await meals.GetAttributeAsync("data-cents"))!);

        using var amelie = await SignedIn.AsAsync(second, "amelie.lefevre");
        var list = await amelie.GetStringAsync("/e/demo/comptes");
        var lucas = System.Text.RegularExpressions.Regex.Match(list, "data-pupil=\"([0-9a-f-]{36})\">\\s*<div>\\s*<strong>Lucas").Groups[1].Value;
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        var done = await Forms.PostAsync(amelie, "/e/demo/portefeuille/transfert", "/e/demo/portefeuille/transfert",
            ("Key", Guid.NewGuid().ToString()), ("From", "1"), ("To", "2"), ("Amount", "2,00"));
        Assert.Contains("Le transfert est effectué.", await done.Content.ReadAsStringAsync());

        await Assertions.Expect(meals).ToHaveAttributeAsync("data-cents", (before + 200).ToString());
    }

    [Fact]
    public async Task A_node_none_of_whose_clients_watches_a_purse_hears_nothing_of_it()
    {
        var chloe = await DemoPupils.IdAsync(first, "Chloé");
        var topic = PurseChanged.Topic(chloe);
        var (watching, idle) = (first.Services.GetRequiredService<LiveNode>(), second.Services.GetRequiredService<LiveNode>());
        var cookies = new System.Net.CookieContainer();
        using var marc = await SignedIn.AsAsync(first, "marc.dubois", cookies: cookies);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(first.DemoSchool, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        var versions = new System.Collections.Concurrent.ConcurrentQueue<long>();
        connection.On<string, long, string?, bool>("live", (pushed, version, _, _) =>
        {
            if (pushed == topic)
            {
                versions.Enqueue(version);
            }
        });
        await connection.StartAsync();
        Assert.True(await connection.InvokeAsync<bool>("Watch", topic, -1L));
        var (heardBefore, idleBefore) = (watching.Heard, idle.Heard);

        // Moved through the idle node: its grains publish, but only the watching node subscribed to the purse.
        var purse = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        await purse.CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, 100, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));

        await Eventually.TrueAsync(() => !versions.IsEmpty, TimeSpan.FromSeconds(10), "The watching node's client heard nothing.");
        Assert.True(watching.Heard > heardBefore);
        Assert.Equal(idleBefore, idle.Heard);
        Assert.False(idle.IsWatched(topic));
    }
}