using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Meals;

public sealed class MealFeedBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_sees_the_address_once_and_replaces_it_with_a_new_link()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await page.GotoAsync(new Uri(web.DemoSchool, "repas/agenda").ToString());
        var address = page.Locator("[data-feed-address]");
        var first = await address.TextContentAsync() ?? "";
        Assert.EndsWith(".ics", first);
        var subscribe = page.GetByRole(AriaRole.Link, new() { Name = "Ajouter à mon agenda" });
        Assert.Equal("webcal://" + first[(first.IndexOf("://", StringComparison.Ordinal) + 3)..], await subscribe.GetAttributeAsync("href"));
        await Screens.SaveAsync(page, "meal-feed-address");

        await page.GotoAsync(new Uri(web.DemoSchool, "repas/agenda").ToString());
        await Assertions.Expect(page.Locator("#feed-address")).ToContainTextAsync("Un lien d'abonnement est actif depuis le");
        await Assertions.Expect(address).ToHaveCountAsync(0);
        await Screens.SaveAsync(page, "meal-feed-active");

        await page.GetByRole(AriaRole.Button, new() { Name = "Nouveau lien" }).ClickAsync();
        await Assertions.Expect(address).ToHaveCountAsync(1);
        Assert.NotEqual(first, await address.TextContentAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Rappels par e-mail" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Ne plus recevoir ces rappels" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Recevoir à nouveau les rappels" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "meal-reminders-off");
    }
}