using System.Net;
using ItSchool.Notifications.Push;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.Notifications.Push;

/// <summary>
/// A device's endpoint is an address the user's browser chose: without the tests' switch (which production refuses to
/// start with), only https to a public host is taken, when the device is added and again on every connection.
/// </summary>
public sealed class PushEndpointRuleTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("https://fcm.googleapis.com/fcm/send/dKx7:APA91b", true)]
    [InlineData("https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk", true)]
    [InlineData("https://web.push.apple.com/QGxP3Jm2", true)]
    [InlineData("http://fcm.googleapis.com/fcm/send/abc", false)]
    [InlineData("https://fcm.googleapis.com:8443/fcm/send/abc", false)]
    [InlineData("https://localhost/push/abc", false)]
    [InlineData("https://intranet/push", false)]
    [InlineData("https://printer.local/push", false)]
    [InlineData("https://127.0.0.1/push", false)]
    [InlineData("https://10.1.2.3/push", false)]
    [InlineData("https://172.20.0.5/push", false)]
    [InlineData("https://192.168.1.10/push", false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false)]
    [InlineData("https://[::1]/push", false)]
    [InlineData("https://[fd00::1]/push", false)]
    [InlineData("https://user:secret@fcm.googleapis.com/fcm/send/abc", false)]
    [InlineData("ftp://fcm.googleapis.com/abc", false)]
    [InlineData("not an address", false)]
    public void Only_https_to_a_public_host_is_a_push_endpoint(string endpoint, bool acceptable) =>
        Assert.Equal(acceptable, PushEndpoints.IsAcceptable(endpoint, allowLocal: false));

    [Fact]
    public async Task A_name_that_leads_to_a_private_address_is_refused_when_connecting()
    {
        using var client = new HttpClient(PushEndpoints.Handler(allowLocal: false));
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost:9/push", null));
        Assert.IsType<RefusedEndpointException>(failure.InnerException);
    }

    [Fact]
    public async Task Without_the_tests_switch_a_loopback_or_private_endpoint_is_refused_and_a_public_one_kept()
    {
        var client = await SignedIn.AsAsync(web, "marc.dubois");
        using var device = new PushSubscriber(new Uri("http://127.0.0.1:9/push/abc"));

        foreach (var endpoint in new[] { "http://127.0.0.1:9/push/abc", "https://10.0.0.7/push/abc", "https://localhost/push/abc" })
        {
            var refused = await PostAsync(client, endpoint, device);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("Ce navigateur a donné une adresse de notification que l'école ne peut pas utiliser.", await refused.Content.ReadAsStringAsync());
        }
        var kept = await PostAsync(client, "https://fcm.googleapis.com/fcm/send/marc-phone", device);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(PushRig.DevicesPage));
        Assert.Contains("https://fcm.googleapis.com/fcm/send/marc-phone", page);
        Assert.DoesNotContain("127.0.0.1:9", page);
    }

    [Fact]
    public async Task A_production_start_with_the_tests_switch_stops_with_the_reason()
    {
        await using var production = new WebNode { Demo = false };
        var database = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            production.StartAsync(database, "--ItSchool:Push:AllowLocalEndpoints=true"));

        Assert.Contains("ItSchool:Push:AllowLocalEndpoints", failure.Message);
    }

    [Fact]
    public async Task Configured_keys_must_be_a_p256_pair()
    {
        await using var node = new WebNode();
        var database = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        var pair = VapidKeyPair.Create();
        var other = VapidKeyPair.Create();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            node.StartAsync(database, $"--ItSchool:Push:PublicKey={pair.PublicKey}", $"--ItSchool:Push:PrivateKey={other.PrivateKey}"));

        Assert.Contains("P-256 key pair", failure.Message);
        Assert.True(pair.IsValid());
        Assert.False(new VapidKeyPair(pair.PublicKey, other.PrivateKey).IsValid());
    }

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, string endpoint, PushSubscriber device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, PushRig.DevicesPage)
        {
            Content = new FormUrlEncodedContent([new("Endpoint", endpoint), new("P256dh", device.P256dh), new("Auth", device.Auth)]),
        };
        request.Headers.Add("RequestVerificationToken", Forms.AntiforgeryToken(await client.GetStringAsync(PushRig.DevicesPage)));
        request.Headers.Add("HX-Request", "true");
        return await client.SendAsync(request);
    }
}