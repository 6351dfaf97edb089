using System.Net;
using System.Text.RegularExpressions;

namespace ItSchool.Tests.Rig;

/// <summary>Posts forms the way a browser does: with the antiforgery token of the page that holds the form.</summary>
public static partial class Forms
{
    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex TokenField();

    public static string AntiforgeryToken(string html)
    {
        var match = TokenField().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token field");
        return WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string actionUrl,
        params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(pageUrl);
        var values = fields.Append(("__RequestVerificationToken", AntiforgeryToken(page)))
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2));
        return await client.PostAsync(actionUrl, new FormUrlEncodedContent(values));
    }

    /// <summary>Posts as htmx does (token in the header, HX-Request) and answers the fragment, decoded; the post must succeed.</summary>
    public static async Task<string> HtmxPostAsync(HttpClient client, string page, string action, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("RequestVerificationToken", AntiforgeryToken(await client.GetStringAsync(page)));
        request.Headers.Add("HX-Request", "true");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}