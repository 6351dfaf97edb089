using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.PointOfSale;

public sealed class TillBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    const string Chloe = "04A1B2C3D4E504";
    const string Genevieve = "04A1B2C3D4E503";

    /// <summary>Script errors and console errors (htmx reports its own there) of every page this test opened.</summary>
    readonly ConcurrentQueue<string> errors = new();

    [Fact]
    public async Task The_canteen_charges_a_card_and_the_parents_journal_shows_the_sale_without_reload()
    {
        var parent = await SignInAsync("marc.dubois");
        await parent.GetByRole(AriaRole.Link, new() { Name = "Journal des ventes" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Journal des ventes" })).ToBeVisibleAsync();
        await Assertions.Expect(parent.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var rows = parent.Locator("#journal-results tbody tr");
        // The demo's own canteen history is there already.
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var before = await rows.CountAsync();

        var till = await OpenTillAsync();
        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        var juice = Article(till, "Jus d'orange");
        await juice.ClickAsync();
        await juice.ClickAsync();
        await Article(till, "Pomme").ClickAsync();
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("2,30 €");
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("Chloé");
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("0,00 €");

        await Assertions.Expect(rows).ToHaveCountAsync(before + 1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Jus d'orange × 2");
        await Assertions.Expect(rows.First).ToContainTextAsync("2,30 €");

        await till.GetByLabel("Carte de l'élève").FillAsync("UNKNOWN-CARD");
        await Article(till, "Pomme").ClickAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.declined")).ToContainTextAsync("Carte inconnue");
        // A declined sale keeps its basket for another card.
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("0,50 €");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task One_article_comes_off_the_basket_and_an_empty_basket_asks_for_an_article()
    {
        var till = await OpenTillAsync();
        var basket = till.Locator(".basket");
        var empty = basket.Locator("[data-basket-empty]");
        await Assertions.Expect(empty).ToHaveTextAsync("Ajoutez un article");

        await Article(till, "Jus d'orange").ClickAsync();
        await Article(till, "Jus d'orange").ClickAsync();
        await Article(till, "Pomme").ClickAsync();
        await Assertions.Expect(empty).ToBeHiddenAsync();
        var juiceLine = basket.Locator("[data-line=JUS]");
        await Assertions.Expect(juiceLine).ToContainTextAsync("× 2");
        await Assertions.Expect(juiceLine).ToContainTextAsync("1,80 €");
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("2,30 €");

        await till.GetByRole(AriaRole.Button, new() { Name = "Jus d'orange : en retirer un" }).ClickAsync();
        await Assertions.Expect(juiceLine).ToContainTextAsync("× 1");
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("1,40 €");
        await Assertions.Expect(Article(till, "Jus d'orange").Locator("[data-count]")).ToHaveTextAsync("1");
        await till.GetByRole(AriaRole.Button, new() { Name = "Pomme : en retirer un" }).ClickAsync();
        await Assertions.Expect(basket.Locator("[data-line=POMME]")).ToBeHiddenAsync();
        await Assertions.Expect(Article(till, "Pomme").Locator("[data-count]")).ToBeHiddenAsync();
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("0,90 €");
        await till.GetByRole(AriaRole.Button, new() { Name = "Jus d'orange : en ajouter un" }).ClickAsync();
        await Assertions.Expect(till.Locator("[data-total]")).ToHaveTextAsync("1,80 €");

        await till.GetByRole(AriaRole.Button, new() { Name = "Vider" }).ClickAsync();
        await Assertions.Expect(empty).ToBeVisibleAsync();
        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        var sales = await SalesAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(empty).ToHaveClassAsync(new Regex("\\binsist\\b"));
        await Assertions.Expect(till.Locator("#till-verdict .verdict")).ToHaveCountAsync(0);
        Assert.Equal(sales, await SalesAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_card_reader_typing_its_uid_and_enter_posts_the_card_wherever_the_focus_is()
    {
        var till = await OpenTillAsync();
        // Articles first: the focus is on the last article tapped, where Enter would add it again.
        await Article(till, "Pomme").ClickAsync();
        await till.Keyboard.TypeAsync(Genevieve);
        await till.Keyboard.PressAsync("Enter");
        var verdict = till.Locator(".verdict.accepted");
        await Assertions.Expect(verdict).ToContainTextAsync("Geneviève");
        await Assertions.Expect(verdict).ToContainTextAsync("0,50 €");
        await Assertions.Expect(till.GetByLabel("Carte de l'élève")).ToBeFocusedAsync();
        await Assertions.Expect(till.GetByLabel("Carte de l'élève")).ToHaveValueAsync("");

        // The card first: Enter with an empty basket keeps the card and asks for an article.
        await till.Keyboard.TypeAsync(Genevieve);
        await till.Keyboard.PressAsync("Enter");
        await Assertions.Expect(till.Locator("[data-basket-empty]")).ToHaveClassAsync(new Regex("\\binsist\\b"));
        await Assertions.Expect(till.GetByLabel("Carte de l'élève")).ToHaveValueAsync(Genevieve);
        await Article(till, "Jus d'orange").ClickAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(verdict).ToContainTextAsync("0,90 €");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_void_is_confirmed_first_and_charging_again_after_a_sale_starts_the_next_one()
    {
        var till = await OpenTillAsync();
        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        await Article(till, "Pomme").ClickAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("ACCEPTÉ");
        var balance = await BalanceAsync("Chloé");

        var dialog = till.Locator("dialog#till-confirm");
        await till.GetByRole(AriaRole.Button, new() { Name = "Annuler cette vente" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Annuler la vente de 0,50 € à Chloé ?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Non, la garder" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("ACCEPTÉ");
        Assert.Equal(balance, await BalanceAsync("Chloé"));

        await till.GetByRole(AriaRole.Button, new() { Name = "Annuler cette vente" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Oui, annuler la vente" }).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("VENTE ANNULÉE");
        Assert.Equal(balance + 50, await BalanceAsync("Chloé"));

        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        await Article(till, "Jus d'orange").ClickAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("0,90 €");
        var sales = await SalesAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator("#till-verdict")).ToBeEmptyAsync();
        await Assertions.Expect(till.Locator("[data-basket-empty]")).ToBeVisibleAsync();
        await Assertions.Expect(till.GetByLabel("Carte de l'élève")).ToBeFocusedAsync();
        Assert.Equal(sales, await SalesAsync());

        // The next sale is a new one (its own sale id), not a replay of the last.
        await till.Keyboard.TypeAsync(Chloe);
        await Article(till, "Jus d'orange").ClickAsync();
        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToContainTextAsync("0,90 €");
        Assert.Equal(sales + 1, await SalesAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task At_1024_by_768_the_till_is_touch_sized_keeps_its_basket_in_view_and_never_scrolls_sideways()
    {
        var till = await OpenTillAsync(new() { Width = 1024, Height = 768 });
        foreach (var article in await till.Locator(".article").AllAsync())
        {
            await article.ClickAsync();
            var box = (await article.BoundingBoxAsync())!;
            Assert.True(box.Width >= 44 && box.Height >= 44, $"An article is {box.Width}×{box.Height} px");
        }
        foreach (var button in await till.Locator(".basket button:visible").AllAsync())
        {
            var box = (await button.BoundingBoxAsync())!;
            Assert.True(box.Width >= 44 && box.Height >= 44, $"A basket button is {box.Width}×{box.Height} px");
        }
        await till.GetByLabel("Carte de l'élève").FillAsync(Chloe);
        await ScreenshotAsync(till, "till-1024");
        await till.EvaluateAsync("window.scrollTo(0, document.body.scrollHeight)");
        await Assertions.Expect(till.Locator(".basket h2")).ToBeInViewportAsync();
        await Assertions.Expect(Charge(till)).ToBeInViewportAsync(new() { Ratio = 1 });
        Assert.True(await till.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"));

        await Charge(till).ClickAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToBeVisibleAsync();
        await Assertions.Expect(till.Locator(".verdict.accepted")).ToBeInViewportAsync();
        await ScreenshotAsync(till, "till-1024-accepted");

        await till.SetViewportSizeAsync(390, 844);
        await Article(till, "Pomme").ClickAsync();
        Assert.True(await till.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"));
        await ScreenshotAsync(till, "till-390");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_manager_adds_withdraws_and_puts_back_an_article_in_Chromium()
    {
        var manager = await SignInAsync("claire.dupont", new() { Width = 1280, Height = 900 });
        await manager.GetByRole(AriaRole.Link, new() { Name = "Caisses et articles" }).ClickAsync();
        await manager.Locator("input[name=Code]").FillAsync("crepe");
        await manager.Locator("input[name=Label]").FillAsync("Crêpe au sucre");
        await manager.Locator("input[name=Price]").FillAsync("1,10");
        await manager.Locator("input[name=Category]").FillAsync("Collations");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Ajouter l'article" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("L'article « Crêpe au sucre » est ajouté.");

        var row = manager.Locator("tr[data-article=CREPE]");
        await row.GetByRole(AriaRole.Button, new() { Name = "Retirer de la vente" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("est retiré de la vente");
        await Assertions.Expect(row).ToContainTextAsync("retiré de la vente");
        await Screens.SaveAsync(manager, "pos-articles");
        await ScreenshotAsync(manager, "pos-articles-1280");

        await row.GetByRole(AriaRole.Link, new() { Name = "Modifier" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Modifier l'article CREPE" })).ToBeVisibleAsync();
        await Assertions.Expect(manager.Locator("input[name=Price]")).ToHaveValueAsync("1,10");
        await manager.Locator("input[name=Label]").FillAsync("Crêpe au chocolat");
        await ScreenshotAsync(manager, "pos-article-edit-1280");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("L'article « Crêpe au chocolat » est enregistré.");
        await row.GetByRole(AriaRole.Button, new() { Name = "Remettre en vente" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("en vente");
        await Assertions.Expect(row).Not.ToContainTextAsync("retiré");

        var till = await OpenTillAsync();
        await Assertions.Expect(Article(till, "Crêpe au chocolat")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_double_tap_on_the_till_charges_once()
    {
        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        var page = await canteen.GetStringAsync("/e/demo/caisse");
        var terminal = Regex.Match(page, "name=\"TerminalId\" value=\"([^\"]+)\"").Groups[1].Value;
        var saleId = Guid.NewGuid().ToString();
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, "Lucas"));
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;

        var taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => canteen.PostAsync("/e/demo/caisse/vente", new FormUrlEncodedContent(
        [
            new("TerminalId", terminal), new("SaleId", saleId), new("CardUid", "04A1B2C3D4E502"), new("q.POMME", "1"),
            new("__RequestVerificationToken", Forms.AntiforgeryToken(page)),
        ]))));
        Assert.All(taps, tap => Assert.Equal(HttpStatusCode.OK, tap.StatusCode));
        Assert.Equal(before - 50, (await purse.GetCompartmentsAsync())[0].BalanceCents);

        using var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync("/e/demo/caisse")).StatusCode);
    }

    [Fact]
    public async Task The_server_answers_an_empty_basket_with_a_word_for_the_cashier_and_records_nothing()
    {
        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        var page = await canteen.GetStringAsync("/e/demo/caisse");
        var sales = await SalesAsync();
        var answer = await canteen.PostAsync("/e/demo/caisse/vente", new FormUrlEncodedContent(
        [
            new("TerminalId", Regex.Match(page, "name=\"TerminalId\" value=\"([^\"]+)\"").Groups[1].Value), new("SaleId", Guid.NewGuid().ToString()),
            new("CardUid", Chloe), new("q.POMME", "0"), new("__RequestVerificationToken", Forms.AntiforgeryToken(page)),
        ]));
        var html = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Contains("Ajoutez un article", html);
        Assert.DoesNotContain("lignes", html);
        Assert.Equal(sales, await SalesAsync());
    }

    static ILocator Article(IPage till, string label) => till.Locator(".till-grid .article", new() { HasText = label });

    static ILocator Charge(IPage till) => till.GetByRole(AriaRole.Button, new() { Name = "Encaisser" });

    async Task<IPage> OpenTillAsync(ViewportSize? viewport = null)
    {
        var till = await SignInAsync("karim.benali", viewport);
        await till.GetByRole(AriaRole.Link, new() { Name = "Caisse" }).ClickAsync();
        await Assertions.Expect(till.GetByLabel("Carte de l'élève")).ToBeFocusedAsync();
        return till;
    }

    async Task<IPage> SignInAsync(string userName, ViewportSize? viewport = null)
    {
        var page = await chromium.SignInAsync(web, userName, options: new() { Locale = "fr-BE", ViewportSize = viewport ?? new() { Width = 1280, Height = 720 } });
        page.CollectErrorsInto(errors);
        await page.WaitForLandingAsync(userName);
        return page;
    }

    async Task<long> SalesAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM pos_sales");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    async Task<long> BalanceAsync(string firstName) =>
        (await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, firstName))
            .GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;

    /// <summary>A screenshot at the page's own size, for a person to look at (only when ITSCHOOL_SCREENSHOTS names a folder).</summary>
    static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("ITSCHOOL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
        }
    }
}