using System.Net;

namespace ItSchool.Tests.Rig;

/// <summary>
/// Follows the answer to a form that queued background work: its progress page while the work runs (waiting for the
/// work, as the page's live channel would), then the result's page it sends the manager to.
/// </summary>
public static class WorkResults
{
    public static async Task<(Uri Url, string Html)> FollowAsync(HttpClient client, HttpResponseMessage answer, TimeSpan? within = null)
    {
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.Contains("/gestion/travaux/", location.ToString());
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                var result = new Uri(client.BaseAddress!, response.Headers.Location!);
                var page = await client.GetAsync(result);
                page.EnsureSuccessStatusCode();
                return (result, await page.Content.ReadAsStringAsync());
            }
            response.EnsureSuccessStatusCode();
            Assert.DoesNotContain("data-status=\"Failed\"", await response.Content.ReadAsStringAsync());
            Assert.True(DateTime.UtcNow < deadline, "The work was not over in time.");
            await Task.Delay(50);
        }
    }
}