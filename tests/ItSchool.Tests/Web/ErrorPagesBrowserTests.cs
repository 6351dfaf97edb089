using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Web;

public sealed class ErrorPagesBrowserTests(FailingWebNode web, Chromium chromium) : IClassFixture<FailingWebNode>, IClassFixture<Chromium>
{
    async Task<IReadOnlyList<CompartmentView>> ChloesCompartmentsAsync() =>
        await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, "Chloé")).GetCompartmentsAsync();

    static async Task OpenTransferAsync(IPage page)
    {
        await page.Locator(".compartment[data-compartment='2']").GetByText("Recharger").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Transfert interne" }).ClickAsync();
        await page.GetByLabel("Montant (€)").FillAsync("1,00");
    }

    [Fact]
    public async Task A_failed_htmx_request_says_why_in_the_page_and_in_an_open_dialog()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        var before = await ChloesCompartmentsAsync();
        var dialog = page.Locator("dialog#dialog");

        // The page was left open so long that its antiforgery cookie is gone: the transfer is refused and says so.
        await OpenTransferAsync(page);
        await page.Context.ClearCookiesAsync(new() { NameRegex = new Regex("^\\.AspNetCore\\.Antiforgery") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Transférer" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La page a expiré : rechargez-la.");
        await Screens.SaveAsync(page, "htmx-expired");
        Assert.Equal(before, await ChloesCompartmentsAsync());

        // Reloaded, the form works again; with the connection cut, it says so.
        await page.ReloadAsync();
        await OpenTransferAsync(page);
        await page.RouteAsync(url => url.EndsWith("/portefeuille/transfert", StringComparison.Ordinal), route => route.AbortAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Transférer" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^La connexion au serveur a échoué"));
        await page.UnrouteAllAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Transférer" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le transfert est effectué.");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Fermer" }).Last.ClickAsync();

        // Outside a dialog the message shows at the foot of the page, in the server's words, until dismissed.
        await page.EvaluateAsync("() => { htmx.ajax('GET', 'panne-de-test', { target: 'main', swap: 'none' }); }");
        var message = page.Locator("#request-error");
        await Assertions.Expect(message.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Une erreur est survenue : réessayez dans un instant.");
        await Screens.SaveAsync(page, "htmx-error");
        await message.GetByRole(AriaRole.Button, new() { Name = "Masquer" }).ClickAsync();
        await Assertions.Expect(message).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_error_pages_look_like_the_site_and_no_icon_is_missing()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        var missing = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404 && !response.Request.IsNavigationRequest)
            {
                missing.Enqueue(response.Url);
            }
        };

        await page.GotoAsync(new Uri(web.DemoSchool, "nulle-part").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page introuvable" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveCSSAsync("background-color", "rgb(243, 245, 248)");
        await Screens.SaveAsync(page, "error-404");
        await page.GetByRole(AriaRole.Link, new() { Name = "Retour au tableau de bord" }).ClickAsync();
        await page.WaitForAsync("**/e/demo/connexion**");

        await page.GotoAsync(new Uri(web.DemoSchool, "panne-de-test").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Une erreur est survenue" })).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "error-500");

        // The icons the pages name are there for the browser, as it would fetch them.
        foreach (var icon in new[] { "icon", "apple-touch-icon" })
        {
            foreach (var href in await page.Locator($"link[rel={icon}]").EvaluateAllAsync<string[]>("links => links.map(l => l.href)"))
            {
                Assert.Equal(200, await page.EvaluateAsync<int>("href => fetch(href).then(r => r.status)", href));
            }
        }
        Assert.Empty(missing);
    }
}