using System.Net;
using System.Net.Http.Headers;
using ItSchool.Tests.Rig;
using ItSchool.Web.Documents;
using Npgsql;

namespace ItSchool.Tests.Documents;

/// <summary>A web node whose documents may be 1 MB at most, so that the "too large" test sends little.</summary>
public sealed class SmallDocumentsNode : WebNode, IAsyncLifetime
{
    public const long MaxBytes = 1024 * 1024;

    public new async Task InitializeAsync() =>
        await StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), $"--ItSchool:Documents:MaxBytes={MaxBytes}");
}

/// <summary>Uploading as the school's page does (htmx: the token in the header, the form as multipart), and reading what was stored.</summary>
public static class DocumentRig
{
    public const string Page = "/e/demo/gestion/documents";

    public static byte[] Pdf(string text) => DemoDocuments.Pdf([text]);

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient manager, string title, string fileName, byte[] content,
        string audience, string? className = null, params Guid[] pupils)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(title), "Title" },
            { new StringContent("2026-12-01"), "Date" },
            { new StringContent(audience), "Audience" },
            { new StringContent(className ?? ""), "ClassName" },
        };
        foreach (var pupil in pupils)
        {
            form.Add(new StringContent(pupil.ToString()), "Pupils");
        }
        var file = new ByteArrayContent(content);
        // What the browser claims does not count: the content decides.
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "File", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, Page) { Content = form };
        request.Headers.Add("RequestVerificationToken", Forms.AntiforgeryToken(await manager.GetStringAsync(Page)));
        request.Headers.Add("HX-Request", "true");
        return await manager.SendAsync(request);
    }

    /// <summary>Uploads and checks it was taken (htmx is sent to the list with the notice); answers the new document's id.</summary>
    public static async Task<Guid> SendAsync(WebNode web, HttpClient manager, string title, string audience, string? className = null, params Guid[] pupils)
    {
        var response = await UploadAsync(manager, title, "lettre.pdf", Pdf(title), audience, className, pupils);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("ok=sent", response.Headers.GetValues("HX-Redirect").Single());
        return (await IdOfAsync(web, title))!.Value;
    }

    public static async Task<Guid?> IdOfAsync(WebNode web, string title)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT id FROM documents WHERE title = @title");
        command.Parameters.AddWithValue("title", title);
        return await command.ExecuteScalarAsync() as Guid?;
    }

    public static async Task<long> CountAsync(WebNode web, string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<string> FragmentAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}