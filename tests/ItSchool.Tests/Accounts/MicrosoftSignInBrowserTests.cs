using ItSchool.Tests.Rig;
using Microsoft.Playwright;
using Identity = ItSchool.Tests.Accounts.MicrosoftSignInStub.Identity;

namespace ItSchool.Tests.Accounts;

/// <summary>"Se connecter avec Microsoft" in a real browser: the button under the form, the round trip, the dashboard.</summary>
public sealed class MicrosoftSignInBrowserTests(MicrosoftSignInNode node, Chromium chromium)
    : IClassFixture<MicrosoftSignInNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_button_signs_a_known_address_in_and_an_unknown_one_reads_why_not()
    {
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        var signIn = new Uri(node.Web.DemoSchool, "connexion").ToString();

        node.Provider.Next = new Identity("inconnu@example.be");
        await page.GotoAsync(signIn);
        await Screens.SaveAsync(page, "microsoft-sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Se connecter avec Microsoft" }).ClickAsync();
        await page.WaitForAsync("**/connexion?microsoft=unknown");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Aucun compte de l'école ne porte l'adresse e-mail de ce compte Microsoft.");
        await Screens.SaveAsync(page, "microsoft-sign-in-unknown");

        node.Provider.Next = new Identity("direction@demo.example.be");
        await page.GetByRole(AriaRole.Link, new() { Name = "Se connecter avec Microsoft" }).ClickAsync();
        await page.WaitForDashboardAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Claire");
        await context.CloseAsync();
    }
}