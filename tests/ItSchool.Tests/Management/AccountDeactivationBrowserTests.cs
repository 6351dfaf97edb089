using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Management;

/// <summary>Deactivating a colleague's account signs them out at once, so the manager is asked first, naming them.</summary>
public sealed class AccountDeactivationBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Deactivating_a_staff_member_asks_first_and_the_row_then_offers_reactivation()
    {
        var claire = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await claire.GotoAsync(new Uri(web.DemoSchool, "gestion/personnel").ToString());
        var row = claire.Locator("tr", new() { HasText = "julien.peeters" });
        string? question = null;
        var answer = false;
        claire.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await (answer ? dialog.AcceptAsync() : dialog.DismissAsync());
        };

        await row.GetByRole(AriaRole.Button, new() { Name = "Désactiver" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Désactiver" })).ToBeVisibleAsync();
        Assert.StartsWith("Désactiver le compte de Julien Peeters ?", question);
        await Assertions.Expect(row).Not.ToContainTextAsync("Désactivé le");

        answer = true;
        await row.GetByRole(AriaRole.Button, new() { Name = "Désactiver" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Réactiver" })).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync(new Regex(@"Désactivé le \d{2}/\d{2}/\d{4}"));
        await Assertions.Expect(claire.Locator(".notice")).ToContainTextAsync("Le compte est désactivé");
        await Screens.SaveAsync(claire, "staff-deactivated");

        await row.GetByRole(AriaRole.Button, new() { Name = "Réactiver" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Désactiver" })).ToBeVisibleAsync();
        await Assertions.Expect(row).Not.ToContainTextAsync("Désactivé le");
        await claire.Context.CloseAsync();
    }
}