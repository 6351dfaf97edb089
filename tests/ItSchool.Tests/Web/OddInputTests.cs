using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ItSchool.BankStatements;
using ItSchool.PointOfSale;
using ItSchool.Tests.BankStatements;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Web;

public sealed class OddInputTests(WebNode web) : IClassFixture<WebNode>
{
    HttpClient Client(string key)
    {
        var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    static async Task<string> ProblemCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem.GetProperty("code").GetString()!;
    }

    async Task<HttpResponseMessage> PostSaleAsync(HttpContent content)
    {
        using var terminal = Client(DemoPos.CanteenKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pos/v1/sales")
        {
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
            Content = content,
        };
        // As curl does for a large body: the server may refuse it before it is sent.
        request.Headers.ExpectContinue = content.Headers.ContentLength > 1024 * 1024;
        return await terminal.SendAsync(request);
    }

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"cardUid":"04A1B2C3D4E504\u0000","lines":[{"articleCode":"JUS","quantity":1}]}""", "invalid_characters")]
    [InlineData("""{"cardUid":"04A1B2C3D4E504","lines":[{"articleCode":"J\u0000US","quantity":1}]}""", "invalid_characters")]
    [InlineData("""{"cardUid":"04A1B2C3D4E504","cardUid":"04FFFFFFFFFF04","lines":[{"articleCode":"JUS","quantity":1}]}""", "malformed_json")]
    [InlineData("""{"cardUid":"04A1B2C3D4E504","lines":[{"articleCode":"JUS","quantity":1}""", "malformed_json")]
    [InlineData("""{"cardUid":"04A1B2C3D4E504","lines":"many"}""", "malformed_json")]
    public async Task An_odd_sale_gets_a_problem_with_a_code_not_a_500(string json, string code)
    {
        var response = await PostSaleAsync(Json(json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task A_raw_NUL_byte_in_the_JSON_is_malformed_JSON()
    {
        var response = await PostSaleAsync(new ByteArrayContent([.. "{\"cardUid\":\"04A1"u8, 0, .. "\"}"u8]) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task A_30_MB_sale_is_refused_as_too_large()
    {
        var huge = new byte[30 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        var response = await PostSaleAsync(new ByteArrayContent(huge) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task A_NUL_in_a_card_address_is_a_bad_request()
    {
        using var terminal = Client(DemoPos.CanteenKey);
        // Kestrel itself refuses a NUL in the request line, before any handler.
        Assert.Equal(HttpStatusCode.BadRequest, (await terminal.GetAsync("/api/pos/v1/cards/04A1%00")).StatusCode);
    }

    [Fact]
    public async Task A_NUL_typed_into_a_page_form_gets_a_French_400_page()
    {
        using var client = web.CreateClient();
        var response = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", "marc\0dubois"), ("Password", "x"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Requête incorrecte", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_READMEs_curl_example_imports_the_file_sent_as_curl_labels_it()
    {
        using var program = Client(ManagerApiKeys.DemoKey);
        // Exactly what `curl --data-binary @file -H "X-File-Name: …"` sends: the raw file, labelled as a form.
        var content = new ByteArrayContent(StatementFiles.Bytes("two-statements.cod"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/v1/bank-statements") { Content = content };
        request.Headers.Add("X-File-Name", "releve-012.cod");
        var response = await program.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal("releve-012.cod", answer.GetProperty("fileName").GetString());
        Assert.Equal(2, answer.GetProperty("statements").GetInt32());
    }

    [Fact]
    public async Task A_bank_statement_upload_above_50_MB_is_refused_as_too_large()
    {
        using var program = Client(ManagerApiKeys.DemoKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/v1/bank-statements")
        {
            Content = new ByteArrayContent(new byte[51 * 1024 * 1024]),
        };
        request.Headers.ExpectContinue = true;
        var response = await program.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", await ProblemCodeAsync(response));
    }
}