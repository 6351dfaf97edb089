using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ItSchool.BankStatements;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Platform;

/// <summary>
/// A production node whose database holds the demo constants (an old demo database put to work, a restored
/// dump): the README's terminal and manager keys open nothing, while the school's own keys work.
/// </summary>
public sealed class DemoKeysInProductionTests : IAsyncLifetime
{
    readonly WebNode web = new() { Demo = false };
    readonly Guid school = Guid.CreateVersion7();
    string ownTerminalKey = "";
    string ownManagerKey = "";

    public async Task InitializeAsync()
    {
        await web.InitializeAsync();
        var db = web.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var insert = db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@id, 'athenee', 'Athénée');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@id, 1, 'Portefeuille général', 0);
            """))
        {
            insert.Parameters.AddWithValue("id", school);
            await insert.ExecuteNonQueryAsync();
        }
        var terminals = web.Services.GetRequiredService<Terminals>();
        await terminals.CreateAsync(school, "Cantine (démo)", TerminalKind.Canteen, 1, DemoPos.CanteenKey);
        ownTerminalKey = (await terminals.CreateAsync(school, "Cantine", TerminalKind.Canteen, 1)).Key;
        var managerKeys = web.Services.GetRequiredService<ManagerApiKeys>();
        await managerKeys.CreateAsync(school, "Démo", "test", ManagerApiKeys.DemoKey);
        ownManagerKey = (await managerKeys.CreateAsync(school, "Banque", "test")).Secret;
        var grains = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(school);
        await grains.EnableModuleAsync(SchoolModule.PointOfSale);
        await grains.EnableModuleAsync(SchoolModule.BankStatements);
    }

    public Task DisposeAsync() => web.DisposeAsync();

    HttpClient Client(string key)
    {
        var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

    [Fact]
    public async Task The_demo_terminal_key_is_refused_and_the_schools_own_key_works()
    {
        using var demo = Client(DemoPos.CanteenKey);
        var refused = await demo.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_key", await CodeAsync(refused));

        using var own = Client(ownTerminalKey);
        var unknownCard = await own.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504");
        Assert.Equal(HttpStatusCode.NotFound, unknownCard.StatusCode);
        Assert.Equal("unknown_card", await CodeAsync(unknownCard));
    }

    [Fact]
    public async Task The_demo_manager_key_is_refused_and_the_schools_own_key_works()
    {
        using var demo = Client(ManagerApiKeys.DemoKey);
        var refused = await demo.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_key", await CodeAsync(refused));

        using var own = Client(ownManagerKey);
        var empty = await own.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("empty_body", await CodeAsync(empty));
    }
}