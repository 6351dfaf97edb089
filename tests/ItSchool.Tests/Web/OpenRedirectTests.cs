using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Platform;

namespace ItSchool.Tests.Web;

public sealed class OpenRedirectTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/e/demo/\t/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/e/demo/%09/evil.example")]
    [InlineData("/e/demo/%5C%5Cevil.example")]
    [InlineData("/e/demo/../autre/tableau-de-bord")]
    [InlineData("https://evil.example/e/demo/")]
    [InlineData("/e/autre/tableau-de-bord")]
    public async Task A_return_address_outside_the_school_lands_on_the_dashboard(string returnUrl)
    {
        using var client = web.CreateClient();
        var signIn = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "marc.dubois"), ("Password", DemoSchool.Password), ("ReturnUrl", returnUrl));
        Assert.Equal("/e/demo/tableau-de-bord", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_return_address_inside_the_school_is_followed()
    {
        using var client = web.CreateClient();
        var signIn = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "marc.dubois"), ("Password", DemoSchool.Password), ("ReturnUrl", "/e/demo/finances/operations?periode=SchoolYear"));
        Assert.Equal("/e/demo/finances/operations?periode=SchoolYear", signIn.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/", "/", true)]
    [InlineData("/tableau-de-bord", "/", true)]
    [InlineData("/\t/evil.example", "/", false)]
    [InlineData("/\u0000/evil.example", "/", false)]
    [InlineData("/%0d%0aSet-Cookie:x", "/", false)]
    [InlineData("//evil", "/", false)]
    [InlineData("/\\evil", "/", false)]
    [InlineData("/%2F/evil", "/", false)]
    [InlineData("/%5Cevil", "/", false)]
    [InlineData("~/evil", "/", false)]
    [InlineData("/e/demo/x", "/e/demo/", true)]
    [InlineData("/e/demox", "/e/demo/", false)]
    [InlineData(null, "/", false)]
    public void Only_a_plain_path_inside_the_school_is_local(string? url, string home, bool local) =>
        Assert.Equal(local, LocalUrl.IsInside(url, home));
}