using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
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
        Assert.Contains("2 article(s) importé(s).", good);
        Assert.Contains("data-article=\"GAUFRE\"", good);
    }

    [Fact]
    public async Task A_replaced_card_stops_working_at_once_and_a_card_cannot_belong_to_two_pupils()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id FROM pupils WHERE first_name = 'Geneviève'");
        var genevieve = (Guid)(await query.ExecuteScalarAsync())!;
        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ItSchool.PointOfSale.DemoPos.CanteenKey);
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