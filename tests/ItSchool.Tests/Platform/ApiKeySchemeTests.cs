using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ItSchool.BankStatements;
using ItSchool.PointOfSale;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Platform;

/// <summary>
/// The two kinds of API key are two authentication schemes: each opens only its own API, and every key that
/// opens nothing (none, malformed, unknown, the other kind, a session) gets the same problem.
/// </summary>
public sealed class ApiKeySchemeTests(WebNode web) : IClassFixture<WebNode>
{
    const string Card = "/api/pos/v1/cards/04A1B2C3D4E504";
    const string Statements = "/api/admin/v1/bank-statements";

    public static TheoryData<string?, string?> TerminalRefusals => new()
    {
        { null, null },
        { "Bearer", "itsk_not_a_real_key" },
        { "Bearer", ManagerApiKeys.DemoKey },
        { "Basic", DemoPos.CanteenKey },
    };

    [Theory]
    [MemberData(nameof(TerminalRefusals))]
    public async Task The_terminals_api_refuses_anything_but_a_terminal_key_with_one_problem(string? scheme, string? key)
    {
        using var client = Client(scheme, key);
        await AssertRefusedAsync(await client.GetAsync(Card), "Clé de terminal inconnue ou révoquée.");
    }

    public static TheoryData<string?, string?> ManagerRefusals => new()
    {
        { null, null },
        { "Bearer", "itsm_not_a_real_key" },
        { "Bearer", DemoPos.CanteenKey },
    };

    [Theory]
    [MemberData(nameof(ManagerRefusals))]
    public async Task The_admin_api_refuses_anything_but_a_manager_key_with_one_problem(string? scheme, string? key)
    {
        using var client = Client(scheme, key);
        await AssertRefusedAsync(await client.PostAsync(Statements, new ByteArrayContent([])), "Clé d'API inconnue ou révoquée.");
    }

    [Fact]
    public async Task A_managers_session_opens_no_api_and_the_keys_open_their_own()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await AssertRefusedAsync(await manager.PostAsync("/e/demo" + Statements, new ByteArrayContent([])), "Clé d'API inconnue ou révoquée.");

        using var terminal = Client("Bearer", DemoPos.CanteenKey);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync(Card)).StatusCode);
        using var program = Client("Bearer", ManagerApiKeys.DemoKey);
        var empty = await program.PostAsync(Statements, new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var problem = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("empty_body", problem.GetProperty("code").GetString());
        Assert.Equal("urn:itschool:problem:empty_body", problem.GetProperty("type").GetString());
    }

    HttpClient Client(string? scheme, string? key)
    {
        var client = web.CreateClient();
        if (scheme is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
        }
        return client;
    }

    static async Task AssertRefusedAsync(HttpResponseMessage response, string title)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_key", problem.GetProperty("code").GetString());
        Assert.Equal("urn:itschool:problem:invalid_key", problem.GetProperty("type").GetString());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }
}