using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

using static ItSchool.Tests.PointOfSale.PosRequests;

namespace ItSchool.Tests.PointOfSale;

/// <summary>
/// Two web nodes of one cluster keep the terminal keys they found in memory: a revocation on one still stops the very next
/// request on both, for every call of the terminals' API, and moves no money.
/// </summary>
public sealed class TerminalRevocationTests(WebNode web) : IClassFixture<WebNode>
{
    const string Chloe = "04A1B2C3D4E504";

    static string Apple => Body(Chloe, ("POMME", 1));

    static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_key", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_key_both_nodes_remember_stops_on_both_at_the_next_request_after_its_revocation()
    {
        await using var other = new WebNode();
        await other.StartAsync(web.ConnectionString);
        var terminals = web.Services.GetRequiredService<Terminals>();
        var (terminal, key) = await terminals.CreateAsync(DemoSchool.Id, "Distributeur du préau", TerminalKind.Vending, 1);
        using var first = Terminal(web, key);
        using var second = Terminal(other, key);

        // Each node finds the key once and keeps it.
        var sold = await first.SendAsync(Sale("rev-1", Apple));
        Assert.Equal(HttpStatusCode.Created, sold.StatusCode);
        var saleId = (await sold.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("saleId").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await second.SendAsync(Sale("rev-2", Apple))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync($"/api/pos/v1/cards/{Chloe}")).StatusCode);
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, "Chloé"));
        var balance = (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;

        Assert.True(await terminals.RevokeAsync(DemoSchool.Id, terminal.Id));

        await AssertRefusedAsync(await second.SendAsync(Sale("rev-3", Apple)));
        await AssertRefusedAsync(await first.SendAsync(Sale("rev-4", Apple)));
        await AssertRefusedAsync(await second.SendAsync(Sale("rev-5", "{\"cardUid\": ")));
        await AssertRefusedAsync(await second.GetAsync($"/api/pos/v1/cards/{Chloe}"));
        await AssertRefusedAsync(await second.PostAsync($"/api/pos/v1/sales/{saleId}/void", null));
        // A retry of a sale answered before the revocation is refused too: the key no longer opens anything.
        await AssertRefusedAsync(await first.SendAsync(Sale("rev-1", Apple)));
        Assert.Equal(balance, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents);
    }
}