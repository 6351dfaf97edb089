using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ItSchool.Tests.Rig;

/// <summary>
/// A demo user reading in another language. The culture is asked for every way ASP.NET Core's request localization
/// listens (the culture cookie and Accept-Language), so the request reads in it whichever provider decides.
/// </summary>
public static class InLanguage
{
    public static async Task<HttpClient> SignedInAsync(WebNode web, string userName, string culture)
    {
        var cookies = new CookieContainer();
        cookies.Add(web.BaseAddress!, new Cookie(".AspNetCore.Culture", Uri.EscapeDataString($"c={culture}|uic={culture}")));
        var client = await SignedIn.AsAsync(web, userName, cookies: cookies);
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(culture));
        return client;
    }

    /// <summary>A page's visible text: no tags, entities decoded, one space between words.</summary>
    public static string Text(string html) =>
        WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), @"\s+", " ")).Trim();
}