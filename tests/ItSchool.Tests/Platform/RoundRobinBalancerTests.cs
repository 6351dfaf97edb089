using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Platform;

/// <summary>
/// Two web nodes behind a balancer that sends each TCP connection to the next node, with no sticky sessions: a page's
/// live channel is one WebSocket request (site.js skips SignalR's negotiation, which a second connection could carry to
/// the other node, where that connection id means nothing), and when its node stops the page reconnects through the
/// balancer to the other one and catches up with what it missed.
/// </summary>
public sealed class RoundRobinBalancerTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    readonly WebNode first = new() { UseEphemeralKeys = false };
    readonly WebNode second = new() { UseEphemeralKeys = false };
    RoundRobinProxy proxy = null!;

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        await second.StartAsync(first.ConnectionString);
        proxy = new RoundRobinProxy(first.BaseAddress, second.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await second.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task The_live_channel_holds_without_sticky_sessions_and_follows_the_other_node_when_its_own_stops()
    {
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(proxy.DemoSchool, "connexion").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync("marc.dubois");
        await page.GetByLabel("Mot de passe").FillAsync(ItSchool.Schools.DemoSchool.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForLandingAsync("marc.dubois");
        var body = page.Locator("body");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-live", "connected");
        Assert.All(proxy.Connections, taken => Assert.True(taken > 0, "The balancer sent the page's connections to one node only."));
        // Whichever node a negotiation and its socket reach, they would have to be the same one: there is none to split.
        Assert.Equal(0, proxy.Negotiations);

        var serving = proxy.HubConnections.Last();
        var (stopping, staying) = serving == 0 ? (first, second) : (second, first);
        var chloe = await DemoPupils.IdAsync(first, "Chloé");
        var balance = page.Locator(".compartment[data-compartment='1'] .balance");
        var before = long.Parse((await balance.GetAttributeAsync("data-cents"))!);
        await CreditAsync(staying, chloe, 100);
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", (before + 100).ToString());

        await stopping.DisposeAsync();
        // Moved while the page has no channel: it learns of it when it watches again, from the version it showed.
        await CreditAsync(staying, chloe, 250);
        await Eventually.TrueAsync(() => proxy.HubConnections.Count >= 2, TimeSpan.FromSeconds(30), "The page never connected again.");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-live", "connected");
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", (before + 350).ToString());
        Assert.Equal(serving == 0 ? 1 : 0, proxy.HubConnections.Last());
        Assert.Equal(0, proxy.Negotiations);
        await context.CloseAsync();
    }

    static Task<MovementResult> CreditAsync(WebNode node, Guid pupil, long cents) =>
        node.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(pupil).CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, cents,
            MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));
}