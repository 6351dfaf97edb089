using System.Net;
using ItSchool.Schools;

namespace ItSchool.Tests.Rig;

public static class SignedIn
{
    /// <summary>
    /// A client signed in to the demo school as <paramref name="userName"/>; with a <paramref name="culture"/>, after choosing
    /// that language on the sign-in page (the demo school's own language is French, and comes before the browser's).
    /// </summary>
    public static async Task<HttpClient> AsAsync(WebNode web, string userName, string password = DemoSchool.Password,
        CookieContainer? cookies = null, string? culture = null)
    {
        if (culture is not null)
        {
            cookies ??= new CookieContainer();
            cookies.Add(web.BaseAddress, new Cookie(ItSchool.Web.Shell.Languages.ChoiceCookie, Uri.EscapeDataString($"c={culture}|uic={culture}"), "/"));
        }
        var client = web.CreateClient(cookies);
        var response = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", userName), ("Password", password));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in as {userName} failed: {response.StatusCode}");
        return client;
    }

    /// <summary>A parent signed in and switched into <paramref name="child"/>'s account.</summary>
    public static async Task<HttpClient> ParentOfAsync(WebNode web, string userName, string child, string? culture = null)
    {
        var client = await AsAsync(web, userName, culture: culture);
        var switched = await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, child)}");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        return client;
    }
}