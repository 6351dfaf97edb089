using System.Collections.Concurrent;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Meetings;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Web;

/// <summary>The pages still work under the Content-Security-Policy, and the browser reports no violation on the way.</summary>
public sealed class CspBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    readonly ConcurrentQueue<string> violations = new();

    /// <summary>Chromium reports a refused script, style or connection on the console, and as a DOM event.</summary>
    IPage Watched(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => violations.Enqueue($"{page.Url}: script error {error}");
        return page;
    }

    async Task<IPage> SignInAsync(string userName)
    {
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = Watched((await context.NewPageAsync()).Recorded());
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync(userName);
        await page.GetByLabel("Mot de passe").FillAsync(DemoSchool.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForLandingAsync(userName);
        return page;
    }

    [Fact]
    public async Task The_dashboard_a_dialog_the_filters_the_till_and_the_meetings_grid_run_under_the_policy()
    {
        var parent = await SignInAsync("marc.dubois");
        await Assertions.Expect(parent.Locator("body")).ToHaveAttributeAsync("data-live", "connected");

        // An htmx dialog (with its data: QR code).
        await parent.Locator(".compartment[data-compartment='1']").GetByText("Recharger").ClickAsync();
        await parent.GetByRole(AriaRole.Button, new() { Name = "Par virement bancaire" }).ClickAsync();
        var dialog = parent.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Eventually.TrueAsync(async () => await dialog.Locator("img.epc-qr").EvaluateAsync<int>("img => img.naturalWidth") > 0);

        // A date typed into the filters makes the period "custom" (was an hx-on attribute, now site.js).
        await parent.GotoAsync(new Uri(web.DemoSchool, "finances/operations").ToString());
        await parent.Locator("input[name=du]").FillAsync("2026-09-01");
        await parent.Locator("input[name=du]").DispatchEventAsync("change");
        await Assertions.Expect(parent.Locator("select[name=periode]")).ToHaveValueAsync("Custom");

        // The meetings grid and its script.
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id))
            .Single(e => e.Name == "Réunion de parents du printemps");
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        await parent.GotoAsync(new Uri(web.DemoSchool, $"reunions/{evening.Id}/enseignants/{julien}").ToString());
        await Assertions.Expect(parent.Locator("body")).ToHaveAttributeAsync("data-meetings", "watching");
        await MeetingGrids.Slot(parent, 2).GetByRole(AriaRole.Button, new() { Name = "Réserver le créneau de 17:20" }).ClickAsync();
        await Assertions.Expect(MeetingGrids.Slot(parent, 2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmine\\b"));

        // The till counts in till.js.
        var till = await SignInAsync("karim.benali");
        await till.GetByRole(AriaRole.Link, new() { Name = "Caisse" }).ClickAsync();
        await till.Locator(".article", new() { HasText = "Jus d'orange" }).ClickAsync();
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("0,90 €");

        Assert.Empty(violations);
    }

    [Fact]
    public async Task An_inline_script_is_refused_by_the_policy()
    {
        // The watch itself must be able to fail: a script injected into the page is blocked and reported.
        var page = await SignInAsync("marc.dubois");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); }");
        await Eventually.TrueAsync(() => Task.FromResult(!violations.IsEmpty));
        Assert.Null(await page.EvaluateAsync<int?>("() => window.injected"));
    }
}