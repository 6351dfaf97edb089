using Microsoft.Playwright;

namespace ItSchool.Tests.Rig;

/// <summary>Debian's headless Chromium driven by Playwright; Playwright's own browser download is never used.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Browser tests need Debian's Chromium at {ExecutablePath}. Run the tests with ./test.sh, which installs " +
                "it when run as root, or install it yourself: sudo apt-get install -y chromium");
        }
        // Two cores shared by several web nodes and browsers: give pages time rather than fail on a slow moment.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The machine has no network beyond loopback: background services would only fail and slow it down.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>
    /// A new browser (own cookies; French unless <paramref name="options"/> say otherwise, a phone's screen for
    /// instance), signed in at the demo school of <paramref name="web"/>.
    /// </summary>
    public async Task<IPage> SignInAsync(WebNode web, string userName, string password = ItSchool.Schools.DemoSchool.Password,
        BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options ?? new() { Locale = "fr-BE" });
        var page = (await context.NewPageAsync()).Recorded();
        await page.GotoAsync(new Uri(web.DemoSchool, "connexion").ToString());
        await page.GetByLabel("Nom d'utilisateur ou adresse e-mail").FillAsync(userName);
        await page.GetByLabel("Mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        return page;
    }

    /// <summary>Signed in and on the page the person lands on, in <paramref name="child"/>'s account for a parent of several children.</summary>
    public async Task<IPage> SignInToDashboardAsync(WebNode web, string userName, string? child = null, BrowserNewContextOptions? options = null)
    {
        var page = await SignInAsync(web, userName, options: options);
        if (child is not null)
        {
            await page.Locator(".account-card").Filter(new() { HasText = child })
                .GetByRole(AriaRole.Button, new() { Name = "Se connecter avec ce compte" }).ClickAsync();
        }
        await page.WaitForLandingAsync(userName);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}