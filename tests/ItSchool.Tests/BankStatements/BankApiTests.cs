using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ItSchool.BankStatements;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.BankStatements;

public sealed class BankApiTests(WebNode web) : IClassFixture<WebNode>
{
    HttpClient Program(string? key = ManagerApiKeys.DemoKey)
    {
        var client = web.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    [Fact]
    public async Task The_demo_key_imports_a_statement_and_sending_it_again_moves_no_money()
    {
        using var program = Program();
        var statements = new Statements();
        var lucas = await Statements.CommunicationAsync(web, "Lucas");
        var before = await Statements.BalanceAsync(web, "Lucas");
        var file = statements.Coda([("R1", 4_200, lucas.ToString()), ("R2", 100, "divers")]);

        var first = await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal((2, 1, 4_200L, 1), (report.GetProperty("movements").GetInt32(), report.GetProperty("credited").GetInt32(),
            report.GetProperty("creditedCents").GetInt64(), report.GetProperty("unmatched").GetInt32()));
        Assert.Equal(before + 4_200, await Statements.BalanceAsync(web, "Lucas"));

        var again = JsonDocument.Parse(await (await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(file))).Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal((2, 0), (again.GetProperty("duplicates").GetInt32(), again.GetProperty("credited").GetInt32()));
        Assert.Equal(before + 4_200, await Statements.BalanceAsync(web, "Lucas"));
    }

    [Fact]
    public async Task An_import_by_key_is_kept_under_the_key_name_and_the_history_says_it_was_an_API_key()
    {
        using var program = Program();
        var answer = await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(new Statements().Coda([("K1", 300, "divers")])));
        var importId = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement[0].GetProperty("importId").GetGuid();

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var read = db.CreateCommand("SELECT uploaded_by, uploaded_by_kind FROM bank_imports WHERE id = @id");
        read.Parameters.AddWithValue("id", importId);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (name, kind) = (reader.GetString(0), reader.GetString(1));
        Assert.Equal("api_key", kind);
        Assert.DoesNotContain("API", name);

        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Contains($"{name} (clé d'API)", WebUtility.HtmlDecode(await manager.GetStringAsync("/e/demo/gestion/releves")));
    }

    [Fact]
    public async Task Several_files_go_in_one_multipart_request()
    {
        using var program = Program();
        var statements = new Statements();
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(statements.Coda([("M1", 100, "un")])), "files", "1.cod" },
            { new ByteArrayContent(statements.Coda([("M2", 200, "deux")])), "files", "2.cod" },
        };
        var answer = await program.PostAsync("/api/admin/v1/bank-statements", form);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var reports = await answer.Content.ReadFromJsonAsync<JsonElement[]>();
        Assert.Equal(["1.cod", "2.cod"], reports!.Select(r => r.GetProperty("fileName").GetString()));
    }

    [Fact]
    public async Task A_wrong_key_a_missing_body_and_a_broken_file_get_problems_and_change_nothing()
    {
        using var anonymous = Program(null);
        var file = new Statements().Coda([("X1", 100, "x")]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(file))).StatusCode);
        using var forged = Program("itsm_not_a_key_of_anyone");
        var refused = await forged.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_key", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());

        using var program = Program();
        Assert.Equal(HttpStatusCode.BadRequest, (await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([]))).StatusCode);
        var broken = await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(StatementFiles.Bytes("bad-balance.xml")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await broken.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_statement", problem.GetProperty("code").GetString());
        Assert.Contains("ligne 8, élément Stmt[1]", problem.GetProperty("title").GetString());

        // The same file with a key that was refused once is still new: nothing was recorded.
        var accepted = JsonDocument.Parse(await (await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent(file))).Content.ReadAsStringAsync());
        Assert.Equal(0, accepted.RootElement[0].GetProperty("duplicates").GetInt32());
    }
}