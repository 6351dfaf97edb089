using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceManagerBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    /// <summary>A tablet held upright: a touch screen, no keyboard modifiers, no Ctrl+click.</summary>
    static BrowserNewContextOptions Tablet => new()
    {
        Locale = "fr-BE",
        ViewportSize = new ViewportSize { Width = 820, Height = 1180 },
        HasTouch = true,
        IsMobile = true,
    };

    [Fact]
    public async Task On_a_tablet_a_manager_finds_pupils_by_name_or_class_ticks_them_and_bills_exactly_those()
    {
        var extra = await AddPupilsAsync("5C", ("Zoé", "Dupont"), ("Léa", "Janssens"), ("Arthur", "Maes"), ("Noah", "Peeters"));
        var page = await chromium.SignInAsync(web, "claire.dupont", options: Tablet);
        await page.WaitForDashboardAsync();
        await page.GotoAsync(new Uri(web.DemoSchool, "gestion/factures/nouvelle").ToString());
        var picker = page.Locator("[data-pupil-picker]");
        var search = picker.GetByLabel("Rechercher un élève ou une classe");
        var count = picker.Locator("[data-picker-count]");
        await Assertions.Expect(search).ToBeVisibleAsync();
        await Assertions.Expect(picker.Locator("select[multiple]")).ToHaveCountAsync(0);
        await Screens.SaveAsync(page, "invoices-new-form");

        await search.FillAsync("4b");
        await Assertions.Expect(picker.Locator(".picker-class:visible")).ToHaveCountAsync(1);
        await Assertions.Expect(picker.Locator("li:visible")).ToHaveTextAsync(["Dubois Chloé", "Lefèvre Lucas"]);

        // Accents and case do not matter: "zoe" finds Zoé.
        await search.FillAsync("zoe");
        await Assertions.Expect(picker.Locator("li:visible")).ToHaveTextAsync(["Dupont Zoé"]);
        await picker.GetByLabel("Dupont Zoé").TapAsync();
        await Assertions.Expect(count).ToHaveTextAsync("1 élève(s) choisi(s)");

        await search.FillAsync("lefevre lucas");
        await picker.GetByLabel("Lefèvre Lucas").TapAsync();
        await search.FillAsync("5C");
        var wholeClass = picker.GetByLabel("Toute la classe 5C (4)");
        await wholeClass.TapAsync();
        await Assertions.Expect(count).ToHaveTextAsync("5 élève(s) choisi(s)");
        await picker.GetByLabel("Peeters Noah").TapAsync();
        await Assertions.Expect(wholeClass).Not.ToBeCheckedAsync();
        await Assertions.Expect(count).ToHaveTextAsync("4 élève(s) choisi(s)");
        await search.FillAsync("personne");
        await Assertions.Expect(picker.Locator("[data-picker-empty]")).ToBeVisibleAsync();
        await search.FillAsync("");
        await Assertions.Expect(picker.Locator("li:visible")).ToHaveCountAsync(4 + extra.Count);

        await page.GetByLabel("Libellé", new() { Exact = true }).FillAsync("Classe de dépaysement");
        await page.GetByLabel("Échéance").FillAsync("2026-12-20");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Ligne" }).First.FillAsync("Séjour");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Prix unitaire (€)" }).First.FillAsync("85");
        await page.GetByRole(AriaRole.Button, new() { Name = "Émettre" }).TapAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("4 facture(s) émise(s).");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var billed = (await new InvoiceList(db).SearchAsync(new InvoiceFilter(DemoSchool.Id), InvoiceStates.Today(web.Clock)))
            .Where(r => r.Label == "Classe de dépaysement").Select(r => r.PupilName).Order().ToList();
        Assert.Equal(["Dupont Zoé", "Janssens Léa", "Lefèvre Lucas", "Maes Arthur"], billed);
    }

    [Fact]
    public async Task A_manager_records_a_cash_payment_and_sends_a_reminder_from_the_invoice_page_and_the_list()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var id = Guid.CreateVersion7();
        var invoice = grains.GetGrain<IInvoiceGrain>(id);
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(chloe) with { Label = "Classe verte à Han-sur-Lesse" })).Invoice!;
        await invoice.PayByTransferAsync(new InvoiceTransfer("BROWSER-MANAGER", 1_000, new DateOnly(2026, 11, 10), "Marc Dubois"));
        var page = await chromium.SignInAsync(web, "claire.dupont");
        await page.WaitForDashboardAsync();
        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/factures/{id}").ToString());

        var payment = page.Locator("#manual-payment");
        await payment.GetByLabel("Montant (au plus 50,00 €)").FillAsync("20");
        await payment.GetByLabel("Espèces").CheckAsync();
        await payment.GetByLabel("Note (obligatoire").FillAsync("Remis au secrétariat, reçu n° 118");
        await payment.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le paiement" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Paiement enregistré.");
        var cash = page.Locator(".invoice-movements tr[data-method='Cash']");
        await Assertions.Expect(cash).ToContainTextAsync("Paiement · Espèces");
        await Assertions.Expect(cash).ToContainTextAsync("Remis au secrétariat, reçu n° 118");
        await Assertions.Expect(page.Locator("[data-remaining]")).ToHaveTextAsync("30,00 €");

        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer un rappel maintenant" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Rappel envoyé aux parents.");
        await Assertions.Expect(page.Locator("#reminder")).ToContainTextAsync("Dernier rappel envoyé le");
        var mail = await web.Mail.WaitForAsync(m => m.Subject?.Contains(view.Number) == true);
        Assert.Contains("30,00", mail.TextBody);
        await Screens.SaveAsync(page, "invoices-manager-invoice");

        await page.GotoAsync(new Uri(web.DemoSchool, "gestion/factures?classe=4B").ToString());
        var row = page.Locator($"tr[data-invoice='{id}']");
        await Assertions.Expect(row.Locator("[data-last-reminder]")).ToHaveTextAsync(SchoolTime.Date(web.Clock.GetUtcNow()));
        await row.GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer un rappel aux factures cochées" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Rappel envoyé pour 1 facture(s).");
        Assert.Contains("classe=4B", page.Url);
        await Screens.SaveAsync(page, "invoices-manager-list");
        await Eventually.TrueAsync(() => web.Mail.Received.Count(m => m.Subject?.Contains(view.Number) == true) == 2,
            because: "the list's reminder is a second mail");
    }

    async Task<IReadOnlyList<Guid>> AddPupilsAsync(string className, params (string First, string Last)[] names)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var ids = new List<Guid>();
        foreach (var (first, last) in names)
        {
            var id = Guid.CreateVersion7();
            await using var insert = db.CreateCommand(
                "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, @first, @last, @class)");
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("school", DemoSchool.Id);
            insert.Parameters.AddWithValue("first", first);
            insert.Parameters.AddWithValue("last", last);
            insert.Parameters.AddWithValue("class", className);
            await insert.ExecuteNonQueryAsync();
            ids.Add(id);
        }
        return ids;
    }
}