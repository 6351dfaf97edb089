using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Management;

/// <summary>A signed-in browser without a browser: cookies, antiforgery tokens, multipart uploads, htmx requests.</summary>
sealed partial class ManagerClient(HttpClient client) : IDisposable
{
    public HttpClient Http => client;

    public static async Task<ManagerClient> SignInAsync(WebNode web, string userName = "claire.dupont")
    {
        var client = web.CreateClient(new CookieContainer());
        var response = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", userName), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new ManagerClient(client);
    }

    public static ManagerClient Anonymous(WebNode web) => new(web.CreateClient());

    public Task<HttpResponseMessage> GetAsync(string page) => client.GetAsync("/e/demo/" + page);

    public async Task<string> PageAsync(string page)
    {
        var response = await GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form of <paramref name="page"/> with that page's antiforgery token.</summary>
    public Task<HttpResponseMessage> PostAsync(string page, string action, params (string Name, string Value)[] fields) =>
        Forms.PostAsync(client, "/e/demo/" + page, "/e/demo/" + action, fields);

    /// <summary>What htmx sends: the token in the header, and HX-Request.</summary>
    public async Task<HttpResponseMessage> HtmxPostAsync(string page, string action)
    {
        var token = Forms.AntiforgeryToken(await PageAsync(page));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/e/demo/" + action) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> UploadAsync(string csv, bool withToken = true) => UploadAsync(Encoding.UTF8.GetBytes(csv), withToken);

    public async Task<HttpResponseMessage> UploadAsync(byte[] bytes, bool withToken = true)
    {
        var content = new MultipartFormDataContent();
        if (withToken)
        {
            content.Add(new StringContent(Forms.AntiforgeryToken(await PageAsync("gestion/import"))), "__RequestVerificationToken");
        }
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "fichier", "eleves.csv");
        return await client.PostAsync("/e/demo/gestion/import", content);
    }

    /// <summary>The file text the preview carries to the confirmation.</summary>
    public static string HiddenContent(string preview)
    {
        var match = HiddenContentField().Match(preview);
        Assert.True(match.Success, "The preview has no confirmation form");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"Content\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenContentField();

    public void Dispose() => client.Dispose();
}