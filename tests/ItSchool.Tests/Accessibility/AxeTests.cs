using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Operators;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Accessibility;

/// <summary>
/// axe-core over every kind of page of a school, as each demo role reads it: the sign-in page, every menu line the
/// features declare for the role (read from the features, so a new page is checked without touching this test), the
/// pages of the user menu, the first dialog each page opens, the till and the meeting grids. No violation of impact
/// serious or critical may be left; all of them are reported, with the page, the rule and the elements.
/// </summary>
public sealed class AxeTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    static readonly string[] DemoUsers = ["marc.dubois", "julien.peeters", "karim.benali", "claire.dupont"];

    [Fact]
    public async Task No_page_of_a_school_has_a_serious_or_critical_violation()
    {
        var found = new List<string>();
        await using (var signedOut = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" }))
        {
            var page = await signedOut.NewPageAsync();
            await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
            found.AddRange(await ViolationsAsync(page, "(signed out) /connexion"));
        }
        var dialogs = new List<string>();
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).First();
        foreach (var userName in DemoUsers)
        {
            var page = await chromium.SignInToDashboardAsync(web, userName);
            List<string> hrefs = [.. await MenuAsync(userName), "mon-acces", "notifications", "notifications/appareils"];
            if (DemoSchool.Accounts.Single(account => account.UserName == userName).Role == Role.Parent)
            {
                hrefs.Add("comptes");
                hrefs.Add($"reunions/{evening.Id}/enseignants/{evening.Teachers[0].TeacherId}");
            }
            foreach (var href in hrefs)
            {
                await page.GotoAsync(new Uri(web.DemoSchool, href).ToString());
                found.AddRange(await ViolationsAsync(page, $"{userName} /{href}"));
                if (await DialogViolationsAsync(page, $"{userName} /{href}") is { } inDialog)
                {
                    dialogs.Add($"{userName} /{href}");
                    found.AddRange(inDialog);
                }
            }
            await page.Context.CloseAsync();
        }
        Assert.True(found.Count == 0, $"{found.Count} serious or critical accessibility violations:\n{string.Join("\n", found)}");
        // The dialogs were really opened and checked: a parent's wallet top-up and the manager's wallet correction at least.
        Assert.Contains("marc.dubois /tableau-de-bord", dialogs);
        Assert.Contains("claire.dupont /gestion/portefeuilles", dialogs);
    }

    [Fact]
    public async Task No_page_of_the_platform_operator_has_a_serious_or_critical_violation()
    {
        var found = new List<string>();
        await PlatformClient.OperatorOfAsync(web);
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        foreach (var signedOut in new[] { "plateforme/connexion", "plateforme/installation" })
        {
            await page.GotoAsync(new Uri(web.BaseAddress, signedOut).ToString());
            found.AddRange(await ViolationsAsync(page, $"(signed out) /{signedOut}"));
        }
        await page.GotoAsync(new Uri(web.BaseAddress, "plateforme/connexion").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync("ops");
        await page.GetByLabel("Mot de passe").FillAsync(PlatformClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForAsync("**/plateforme");

        // Every page the operator can reach by a link from their home, each once.
        var seen = new HashSet<string>();
        var next = new Queue<string>(["plateforme"]);
        while (next.TryDequeue(out var href))
        {
            if (!seen.Add(href))
            {
                continue;
            }
            await page.GotoAsync(new Uri(web.BaseAddress, href).ToString());
            found.AddRange(await ViolationsAsync(page, $"operator /{href}"));
            foreach (var link in await page.Locator("a[href^='plateforme']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
            {
                next.Enqueue(link.Split('?', '#')[0]);
            }
        }
        await context.CloseAsync();
        Assert.True(found.Count == 0, $"{found.Count} serious or critical accessibility violations:\n{string.Join("\n", found)}");
        Assert.Contains("plateforme/microsoft", seen);
        Assert.Contains("plateforme/ecoles/nouvelle", seen);
        Assert.Contains($"plateforme/ecoles/{DemoSchool.Id}", seen);
    }

    [Fact]
    public async Task The_check_itself_sees_a_button_without_a_name_on_the_page_and_within_an_element()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        Assert.Empty(await page.SeriousViolationsAsync());

        await page.EvaluateAsync("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<p id=\"bare\"><button></button></p>')");
        Assert.Contains(await page.SeriousViolationsAsync(), violation => violation.StartsWith("critical button-name") && violation.Contains("#bare"));
        Assert.Contains(await page.Locator("#bare").ViolationsAsync(), violation => violation.StartsWith("critical button-name"));
        Assert.Empty(await page.Locator("form").First.ViolationsAsync());
    }

    [Fact]
    public async Task The_first_tab_stop_is_a_visible_skip_link_to_the_page_itself()
    {
        var page = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await page.GotoAsync(new Uri(web.DemoSchool, "gestion/eleves").ToString());
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Aller au contenu" });
        await Assertions.Expect(skip).Not.ToBeInViewportAsync();

        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main#main")).ToBeFocusedAsync();
        Assert.EndsWith("/gestion/eleves#main", page.Url);
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('main').contains(document.activeElement)"),
            "The next Tab leaves the page's content.");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The page's first button that opens a dialog (in a dropdown, the dropdown opened first), clicked, and the page
    /// checked with the dialog open; null when the page opens no dialog.
    /// </summary>
    static async Task<IReadOnlyList<string>?> DialogViolationsAsync(IPage page, string where)
    {
        var openers = page.Locator("main button[hx-get][hx-target='#dialog']");
        var opener = openers.Locator("visible=true").First;
        if (await opener.CountAsync() == 0)
        {
            opener = page.Locator("main details.dropdown:has(button[hx-get][hx-target='#dialog'])").First;
            if (await opener.CountAsync() == 0)
            {
                return null;
            }
            await opener.Locator("summary").ClickAsync();
            opener = opener.Locator("button[hx-get][hx-target='#dialog']").First;
        }
        var what = (await opener.InnerTextAsync()).Trim();
        await opener.ClickAsync();
        var dialog = page.Locator("dialog#dialog[open]");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("h2, h1").First).ToBeVisibleAsync();
        var found = await ViolationsAsync(page, $"{where} dialog «{what}»");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        return found;
    }

    static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string where) =>
        [.. (await page.SeriousViolationsAsync()).Select(violation => $"{where}: {violation}")];

    /// <summary>The menu's lines for this person's role where the demo school has the module on, dashboard first.</summary>
    async Task<IReadOnlyList<string>> MenuAsync(string userName)
    {
        var role = DemoSchool.Accounts.Single(account => account.UserName == userName).Role;
        var enabled = await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id).GetEnabledModulesAsync();
        return [.. web.Services.GetRequiredService<Features>().OnIn(enabled).SelectMany(feature => feature.Menu).Prepend(MenuEntry.Dashboard)
            .Where(entry => entry.Roles.Contains(role)).OrderBy(entry => entry.Position).Select(entry => entry.Href)];
    }
}