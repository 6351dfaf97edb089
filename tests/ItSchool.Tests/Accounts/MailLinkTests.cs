using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Accounts;

public sealed class MailLinkTests : IAsyncLifetime
{
    readonly WebNode web = new();

    public async Task InitializeAsync() =>
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:PublicUrl=https://portail.example.be");

    public Task DisposeAsync() => web.DisposeAsync();

    [Fact]
    public async Task A_forged_host_header_does_not_change_the_link_in_the_reset_mail()
    {
        using var client = web.CreateClient();
        var page = await client.GetStringAsync("/e/demo/mot-de-passe-oublie");
        var request = new HttpRequestMessage(HttpMethod.Post, "/e/demo/mot-de-passe-oublie")
        {
            Content = new FormUrlEncodedContent([new("Email", "marc.dubois@example.be"), new("__RequestVerificationToken", Forms.AntiforgeryToken(page))]),
        };
        request.Headers.Host = "evil.example";
        await client.SendAsync(request);

        var mail = await web.Mail.WaitForMailToAsync("marc.dubois@example.be");
        Assert.Contains("https://demo.localhost/premiere-connexion?jeton=", mail.TextBody);
        Assert.DoesNotContain("evil.example", mail.TextBody);
    }
}