using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Web;

/// <summary>
/// The pages whose filters push their address into the history answer htmx's swaps with a fragment, and
/// everything else, htmx's history restore included (the back button after the cache forgot the page),
/// with the whole page and its layout; and they say that the answer varies with HX-Request.
/// </summary>
public sealed class HtmxHistoryTests(WebNode web) : IClassFixture<WebNode>
{
    public static TheoryData<string, string, string> Pages => new()
    {
        { "marc.dubois", "/e/demo/finances/operations?periode=Last30Days", "id=\"operations-results\"" },
        { "marc.dubois", "/e/demo/finances/ventes", "id=\"journal-results\"" },
        { "claire.dupont", "/e/demo/gestion/portefeuilles?q=Chlo", "id=\"school-balances\"" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_history_restore_gets_the_whole_page_and_a_swap_the_fragment(string user, string address, string fragmentMark)
    {
        using var client = await SignedIn.AsAsync(web, user);

        var swap = await SendAsync(client, address, ("HX-Request", "true"));
        Assert.Contains(fragmentMark, swap.Body);
        Assert.DoesNotContain("<html", swap.Body);
        Assert.Contains("HX-Request", swap.Vary);

        var restore = await SendAsync(client, address, ("HX-Request", "true"), ("HX-History-Restore-Request", "true"));
        Assert.Contains("<html", restore.Body);
        Assert.Contains("class=\"sidemenu\"", restore.Body);
        Assert.Contains(fragmentMark, restore.Body);
        Assert.Contains("HX-Request", restore.Vary);

        var browser = await SendAsync(client, address);
        Assert.Contains("<html", browser.Body);
        Assert.Contains("HX-Request", browser.Vary);
    }

    static async Task<(string Body, string Vary)> SendAsync(HttpClient client, string address, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(), string.Join(",", response.Headers.Vary));
    }
}