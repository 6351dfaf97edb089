using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.PointOfSale;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.PointOfSale;

public sealed class PosAdminTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task A_new_terminal_shows_its_key_once_the_key_works_and_stops_when_revoked()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/terminaux",
            ("Name", "Économat du 1er"), ("Kind", "Shop"), ("Compartment", "1"))).Content.ReadAsStringAsync();
        var key = Regex.Match(created, "<code class=\"new-key\">(itsk_[^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.DoesNotContain(key, await manager.GetStringAsync("/e/demo/gestion/caisses"));

        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504")).StatusCode);

        var id = Regex.Match(await manager.GetStringAsync("/e/demo/gestion/caisses"), "data-terminal=\"([0-9a-f-]{36})\">\\s*<td>Économat du 1er").Groups[1].Value;
        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", $"/e/demo/gestion/caisses/terminaux/{id}/revocation");
        Assert.Equal(HttpStatusCode.Unauthorized, (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504")).StatusCode);
    }

    [Fact]
    public async Task An_article_import_is_all_or_nothing_with_errors_by_line()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var bad = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix;categorie\nGAUFRE;Gaufre;1,50;Collations\nCAFE;Café;deux euros;Boissons\n"))).Content.ReadAsStringAsync();
        Assert.Contains("Ligne 3 : le prix doit être un montant en euros", bad);
        Assert.DoesNotContain("data-article=\"GAUFRE\"", await manager.GetStringAsync("/e/demo/gestion/caisses"));

        var good = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix;categorie\nGAUFRE;Gaufre;1,50;Collations\nCAFE;Café;0,80;Boissons\n"))).Content.ReadAsStringAsync();
        Assert.Contains("2 article(s) importé(s) : 2 ajouté(s), 0 mis à jour.", good);
        Assert.Contains("data-article=\"GAUFRE\"", good);
    }

    [Fact]
    public async Task A_price_list_saved_by_a_spreadsheet_is_read_with_its_quotes()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var quoted = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "\"code\";\"libelle\";\"prix\"\r\n\"CROQUE\";\"Croque; jambon\";2,40\r\n"))).Content.ReadAsStringAsync();
        Assert.Contains("1 article(s) importé(s)", quoted);
        Assert.Contains("Croque; jambon", quoted);

        var unclosed = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix\nTARTE;\"Tarte;2,00\n"))).Content.ReadAsStringAsync();
        Assert.Contains("Ligne 2 : un guillemet ouvert", unclosed);
    }

    [Fact]
    public async Task An_import_updates_known_codes_keeps_them_withdrawn_and_refuses_a_code_given_twice()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix\nCAKE;Cake;1,00\n"));
        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/CAKE/retrait");

        var twice = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix\nCAKE;Cake marbré;1,30\nMUFFIN;Muffin;1,10\nmuffin;Muffin;1,20\n")));
        Assert.Contains("Ligne 4 : le code « MUFFIN » figure déjà à la ligne 3", twice);
        Assert.Equal(new Article("CAKE", "Cake", 100, null, false, Active: false), await FindAsync("CAKE"));

        var imported = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix\nCAKE;Cake marbré;1,30\nMUFFIN;Muffin;1,10\n")));
        Assert.Contains("2 article(s) importé(s) : 1 ajouté(s), 1 mis à jour.", imported);
        Assert.Equal(new Article("CAKE", "Cake marbré", 130, null, false, Active: false), await FindAsync("CAKE"));
        Assert.Equal(new Article("MUFFIN", "Muffin", 110, null, false), await FindAsync("MUFFIN"));
    }

    [Fact]
    public async Task A_new_article_with_a_code_in_use_is_refused_and_the_article_stays_as_it_was()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles",
            ("Code", "the"), ("Label", "Thé"), ("Price", "0,60"), ("Category", "Boissons"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Contains("L'article « Thé » est ajouté.", await Text(await manager.GetAsync(created.Headers.Location)));

        var again = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles",
            ("Code", "THE "), ("Label", "Thé vert"), ("Price", "0,80")));
        Assert.Contains("Article non enregistré : le code « THE » est déjà celui de l'article « Thé » : modifiez cet article plutôt.", again);
        // The form keeps what the manager typed, to correct the code.
        Assert.Contains("value=\"Thé vert\"", again);
        Assert.Equal(new Article("THE", "Thé", 60, "Boissons", false), await FindAsync("THE"));
    }

    [Fact]
    public async Task An_article_is_edited_but_its_earlier_sales_keep_the_label_and_price_they_were_sold_at()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles",
            ("Code", "BISCUIT"), ("Label", "Biscuit"), ("Price", "0,70"), ("Category", "Collations"));
        using var terminal = Terminal();
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(Sale("edit/1", "BISCUIT", 2))).StatusCode);

        var form = await manager.GetStringAsync("/e/demo/gestion/caisses/articles/BISCUIT");
        Assert.Contains("value=\"0,70\"", form);
        var saved = await Forms.PostAsync(manager, "/e/demo/gestion/caisses/articles/BISCUIT", "/e/demo/gestion/caisses/articles/BISCUIT",
            ("Label", "Biscuit au chocolat"), ("Price", "0,80"), ("Category", "Goûters"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("L'article « Biscuit au chocolat » est enregistré.", await Text(await manager.GetAsync(saved.Headers.Location)));
        Assert.Equal(new Article("BISCUIT", "Biscuit au chocolat", 80, "Goûters", false), await FindAsync("BISCUIT"));

        var sold = await (await terminal.SendAsync(Sale("edit/2", "BISCUIT", 1))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(80, sold.GetProperty("amountCents").GetInt64());
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var journal = Regex.Replace(await Text(await marc.GetAsync("/e/demo/finances/ventes?recherche=biscuit")), "\\s+", " ")
            .Replace("<span class=\"muted\">", "");
        Assert.Contains("Biscuit × 2 (0,70 €)", journal);
        Assert.Contains("Biscuit au chocolat × 1 (0,80 €)", journal);
        var operations = await Text(await marc.GetAsync("/e/demo/finances/operations?periode=Today&type=Sale"));
        Assert.Contains("Vente Biscuit ×2", operations);

        var refused = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses/articles/BISCUIT", "/e/demo/gestion/caisses/articles/BISCUIT",
            ("Label", ""), ("Price", "0,90")));
        Assert.Contains("Article non enregistré : le libellé est obligatoire (80 caractères au plus).", refused);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/e/demo/gestion/caisses/articles/CAVIAR")).StatusCode);
    }

    [Fact]
    public async Task A_withdrawn_article_leaves_the_till_and_the_API_refuses_it_until_it_is_put_back()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles",
            ("Code", "GAUFRETTE"), ("Label", "Gaufrette"), ("Price", "0,40"));
        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        Assert.Contains("data-code=\"GAUFRETTE\"", await canteen.GetStringAsync("/e/demo/caisse"));

        var withdrawn = await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/GAUFRETTE/retrait");
        var page = await Text(await manager.GetAsync(withdrawn.Headers.Location));
        Assert.Contains("L'article « Gaufrette » est retiré de la vente", page);
        Assert.Matches("data-article=\"GAUFRETTE\"[^>]*>(?:(?!</tr>).)*retiré de la vente", Regex.Replace(page, "\\s+", " "));
        Assert.DoesNotContain("data-code=\"GAUFRETTE\"", await canteen.GetStringAsync("/e/demo/caisse"));

        using var terminal = Terminal();
        var balance = await BalanceAsync(terminal);
        var refused = await terminal.SendAsync(Sale("withdrawn/1", "GAUFRETTE", 1));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("article_withdrawn", problem.GetProperty("code").GetString());
        Assert.Contains("Gaufrette", problem.GetProperty("title").GetString());
        Assert.Equal(balance, await BalanceAsync(terminal));

        await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/GAUFRETTE/remise-en-vente");
        Assert.Contains("data-code=\"GAUFRETTE\"", await canteen.GetStringAsync("/e/demo/caisse"));
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(Sale("withdrawn/2", "GAUFRETTE", 1))).StatusCode);
        Assert.Equal(balance - 40, await BalanceAsync(terminal));
        Assert.Equal(HttpStatusCode.NotFound,
            (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/NOPE/retrait")).StatusCode);
    }

    [Fact]
    public async Task Every_text_field_is_refused_past_its_forms_maxlength_and_nothing_changes()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var admin = await manager.GetStringAsync("/e/demo/gestion/caisses");
        string TooLong(string html, string field, char letter = 'A') =>
            new(letter, int.Parse(Regex.Match(html, $"name=\"{field}\"[^>]*maxlength=\"(\\d+)\"").Groups[1].Value) + 1);

        async Task<string> RefusedAsync(params (string, string)[] fields) =>
            await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles", fields));
        Assert.Contains("Article non enregistré : le code compte de 1 à 30 lettres, chiffres, - ou _.",
            await RefusedAsync(("Code", TooLong(admin, "Code")), ("Label", "Long"), ("Price", "1")));
        Assert.Contains("Article non enregistré : le libellé est obligatoire (80 caractères au plus).",
            await RefusedAsync(("Code", "LONG1"), ("Label", TooLong(admin, "Label", 'é')), ("Price", "1")));
        Assert.Contains("Article non enregistré : la catégorie compte 40 caractères au plus.",
            await RefusedAsync(("Code", "LONG2"), ("Label", "Long"), ("Price", "1"), ("Category", TooLong(admin, "Category"))));
        Assert.Contains("Article non enregistré : le prix doit être un montant en euros, par exemple 1,20 (1 000,00 € au plus).",
            await RefusedAsync(("Code", "LONG3"), ("Label", "Long"), ("Price", "1" + new string(' ', TooLong(admin, "Price").Length - 1))));
        Assert.Contains("le prix doit être un montant en euros", await RefusedAsync(("Code", "LONG4"), ("Label", "Long"), ("Price", "1000,01")));
        Assert.DoesNotContain("LONG", await manager.GetStringAsync("/e/demo/gestion/caisses"));

        var terminals = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/terminaux",
            ("Name", TooLong(admin, "Name")), ("Kind", "Shop"), ("Compartment", "1")));
        Assert.Contains("Donnez un nom au terminal (80 caractères au plus)", terminals);
        Assert.DoesNotContain("new-key", terminals);

        var csv = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/articles/import",
            ("Csv", "code;libelle;prix\n" + new string('X', PosAdminPages.MaxImportLength))));
        Assert.Contains($"Le texte importé compte {PosAdminPages.MaxImportLength} caractères au plus.", csv);
        Assert.Contains($"maxlength=\"{PosAdminPages.MaxImportLength}\"", admin);

        var cardsPage = await manager.GetStringAsync("/e/demo/gestion/caisses/cartes");
        var genevieve = await DemoPupils.IdAsync(web, "Geneviève");
        var uid = await Text(await Forms.PostAsync(manager, "/e/demo/gestion/caisses/cartes", $"/e/demo/gestion/caisses/cartes/{genevieve}",
            ("Uid", TooLong(cardsPage, "Uid"))));
        Assert.Contains("L'UID d'une carte compte de 4 à 40 lettres et chiffres.", uid);
        Assert.Contains("La recherche compte 100 caractères au plus.",
            await Text(await manager.GetAsync("/e/demo/gestion/caisses/cartes?q=" + TooLong(cardsPage, "q"))));

        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var journal = await marc.GetStringAsync("/e/demo/finances/ventes");
        Assert.Contains("La recherche compte 100 caractères au plus.",
            await Text(await marc.GetAsync("/e/demo/finances/ventes?recherche=" + TooLong(journal, "recherche"))));

        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        var till = await canteen.GetStringAsync("/e/demo/caisse");
        var charged = await Text(await canteen.PostAsync("/e/demo/caisse/vente", new FormUrlEncodedContent(
        [
            new("TerminalId", Regex.Match(till, "name=\"TerminalId\" value=\"([^\"]+)\"").Groups[1].Value), new("SaleId", Guid.NewGuid().ToString()),
            new("CardUid", TooLong(till, "CardUid")), new("q.POMME", "1"), new("__RequestVerificationToken", Forms.AntiforgeryToken(till)),
        ])));
        Assert.Contains("Carte inconnue ou désactivée.", charged);
    }

    HttpClient Terminal()
    {
        var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoPos.CanteenKey);
        return client;
    }

    static HttpRequestMessage Sale(string key, string code, int quantity) => new(HttpMethod.Post, "/api/pos/v1/sales")
    {
        Headers = { { "Idempotency-Key", key } },
        Content = JsonContent.Create(new { cardUid = Chloe, lines = new[] { new { articleCode = code, quantity } } }),
    };

    const string Chloe = "04A1B2C3D4E504";

    static async Task<long> BalanceAsync(HttpClient terminal) =>
        (await terminal.GetFromJsonAsync<JsonElement>($"/api/pos/v1/cards/{Chloe}")).GetProperty("balanceCents").GetInt64();

    /// <summary>The page as a person reads it: entities decoded, the French amounts' no-break spaces as plain ones.</summary>
    static async Task<string> Text(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()).Replace('\u00a0', ' ').Replace('\u202f', ' ');

    Task<Article?> FindAsync(string code) =>
        web.Services.GetRequiredService<Catalogue>().FindAsync(DemoSchool.Id, code);

    [Fact]
    public async Task A_replaced_card_stops_working_at_once_and_a_card_cannot_belong_to_two_pupils()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM pupils WHERE first_name = 'Geneviève'");
        var genevieve = (Guid)(await query.ExecuteScalarAsync())!;
        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoPos.CanteenKey);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E503")).StatusCode);

        var taken = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses/cartes", $"/e/demo/gestion/caisses/cartes/{genevieve}",
            ("Uid", "04A1B2C3D4E504"))).Content.ReadAsStringAsync();
        Assert.Contains("appartient déjà à un autre élève", taken);

        var replaced = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses/cartes", $"/e/demo/gestion/caisses/cartes/{genevieve}",
            ("Uid", "0499AABBCCDD"))).Content.ReadAsStringAsync();
        Assert.Contains("l&#x27;ancienne carte de l&#x27;élève ne fonctionne plus", replaced);
        Assert.Equal(HttpStatusCode.NotFound, (await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E503")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await terminal.GetAsync("/api/pos/v1/cards/0499aabbccdd")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, "/e/demo/gestion/caisses/cartes",
            $"/e/demo/gestion/caisses/cartes/{Guid.NewGuid()}", ("Uid", "0411223344"))).StatusCode);
        using var canteen = await SignedIn.AsAsync(web, "karim.benali");
        Assert.Equal(HttpStatusCode.NotFound, (await canteen.GetAsync("/e/demo/gestion/caisses")).StatusCode);
    }
}