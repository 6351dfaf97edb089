using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

using static ItSchool.Tests.PointOfSale.PosRequests;

namespace ItSchool.Tests.PointOfSale;

/// <summary>
/// A node prices the usual sale from its memory of the school (<see cref="PosSnapshots"/>). Two web nodes of one cluster
/// have both sold, so both remember; the school changes through one, and the very next sale on the other sees the change:
/// a replaced card, a new price, a withdrawn article, a renamed pupil. Nothing is charged from what changed.
/// </summary>
public sealed class PosSnapshotTests(WebNode web) : IClassFixture<WebNode>
{
    const string Chloe = "04A1B2C3D4E504";

    [Fact]
    public async Task A_change_made_through_one_node_holds_at_the_next_sale_on_the_other()
    {
        await using var other = new WebNode();
        await other.StartAsync(web.ConnectionString);
        using var first = Terminal(web);
        using var second = Terminal(other);
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        Assert.Equal(HttpStatusCode.Created, (await first.SendAsync(Sale("snap-1", Body(Chloe, ("POMME", 1))))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await second.SendAsync(Sale("snap-2", Body(Chloe, ("POMME", 1))))).StatusCode);

        // A lost card replaced at the office, through the first node.
        Assert.Null(await web.Services.GetRequiredService<Cards>().AssignAsync(DemoSchool.Id, chloe, "0AC4A1B2C3D4E5"));
        var before = await BalanceAsync(purse);
        await AssertProblemAsync(await second.SendAsync(Sale("snap-3", Body(Chloe, ("POMME", 1)))), HttpStatusCode.NotFound, "unknown_card");
        Assert.Equal(before, await BalanceAsync(purse));
        var sold = await second.SendAsync(Sale("snap-4", Body("0ac4a1b2c3d4e5", ("POMME", 1))));
        Assert.Equal(HttpStatusCode.Created, sold.StatusCode);

        // A new price, through the first node: the second charges it at once.
        var catalogue = web.Services.GetRequiredService<Catalogue>();
        var apple = (await catalogue.FindAsync(DemoSchool.Id, "POMME"))!;
        Assert.Null(await catalogue.UpdateAsync(DemoSchool.Id, apple with { PriceCents = apple.PriceCents + 15 }));
        var dearer = await (await second.SendAsync(Sale("snap-5", Body("0AC4A1B2C3D4E5", ("POMME", 2))))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2 * (apple.PriceCents + 15), dearer.GetProperty("amountCents").GetInt64());

        // Withdrawn: refused on the second node, nothing charged.
        Assert.True(await catalogue.SetOnSaleAsync(DemoSchool.Id, "POMME", false));
        before = await BalanceAsync(purse);
        await AssertProblemAsync(await second.SendAsync(Sale("snap-6", Body("0AC4A1B2C3D4E5", ("POMME", 1)))),
            HttpStatusCode.UnprocessableEntity, "article_withdrawn");
        Assert.Equal(before, await BalanceAsync(purse));
        Assert.True(await catalogue.SetOnSaleAsync(DemoSchool.Id, "POMME", true));

        // Renamed: the answer names the pupil as the school now does.
        await RenameAsync(chloe, "Chloë");
        var named = await (await second.SendAsync(Sale("snap-7", Body("0AC4A1B2C3D4E5", ("POMME", 1))))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Chloë", named.GetProperty("firstName").GetString());
        await RenameAsync(chloe, "Chloé");
    }

    [Fact]
    public async Task A_retry_of_a_sale_gets_the_first_answer_even_after_the_school_changed()
    {
        using var terminal = Terminal(web);
        var first = await terminal.SendAsync(Sale("snap-retry", Body(Chloe, ("JUS", 1))));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var catalogue = web.Services.GetRequiredService<Catalogue>();
        var juice = (await catalogue.FindAsync(DemoSchool.Id, "JUS"))!;
        Assert.Null(await catalogue.UpdateAsync(DemoSchool.Id, juice with { PriceCents = juice.PriceCents + 5 }));

        var again = await terminal.SendAsync(Sale("snap-retry", Body(Chloe, ("JUS", 1))));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        // The same sale id for other lines is not that sale.
        await AssertProblemAsync(await terminal.SendAsync(Sale("snap-retry", Body(Chloe, ("POMME", 1)))), HttpStatusCode.Conflict,
            "idempotency_key_reused");
    }

    static async Task<long> BalanceAsync(IPurseGrain purse) => (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;

    static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    async Task RenameAsync(Guid pupil, string firstName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("UPDATE pupils SET first_name = @name WHERE id = @pupil");
        command.Parameters.AddWithValue("name", firstName);
        command.Parameters.AddWithValue("pupil", pupil);
        await command.ExecuteNonQueryAsync();
    }
}