using System.Net;
using System.Text;
using ItSchool.Invoices;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Invoices;

public sealed class ChargesTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Imported_charges_become_one_grouped_invoice_per_pupil_once()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var today = InvoiceStates.Today(web.Clock);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var csv = $"""
            matricule;prenom;nom;classe;date;libelle;quantite;prix_unitaire
            ;Chloé;Dubois;4B;{lastMonth:dd/MM/yyyy};Garderie du soir;3;2,50
            ;Chloé;Dubois;4B;{lastMonth.AddDays(3):dd/MM/yyyy};Étude dirigée;1;3
            ;Lucas;Lefèvre;4B;{lastMonth.AddDays(5):dd/MM/yyyy};Garderie du soir;2;2,50
            """;

        var first = await UploadAsync(manager, csv);
        Assert.Contains("3 frais ajoutés, 0 déjà présents.", first);
        Assert.Contains("0 frais ajoutés, 3 déjà présents.", await UploadAsync(manager, csv));

        var key = Guid.NewGuid().ToString();
        (string, string)[] form =
        [
            ("Key", key), ("Label", "Facture groupée test"), ("From", lastMonth.ToString("yyyy-MM-dd")),
            ("To", lastMonth.AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd")), ("DueOn", today.AddDays(20).ToString("yyyy-MM-dd")),
        ];
        var grouped = await Forms.PostAsync(manager, "/e/demo/gestion/factures/frais", "/e/demo/gestion/factures/frais/facturer", form);
        var (_, issued) = await WorkResults.FollowAsync(manager, grouped);
        Assert.Contains("2 facture(s) émise(s).", issued);
        // Sent again (a double click): the same work, the same notice, no invoice twice.
        var again = await Forms.PostAsync(manager, "/e/demo/gestion/factures/frais", "/e/demo/gestion/factures/frais/facturer", form);
        Assert.Equal(grouped.Headers.Location, again.Headers.Location);
        Assert.Contains("2 facture(s) émise(s).", (await WorkResults.FollowAsync(manager, again)).Html);

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var invoices = (await new InvoiceList(db).SearchAsync(new InvoiceFilter(DemoSchool.Id), today)).Where(r => r.Label == "Facture groupée test").ToList();
        Assert.Equal([("Dubois Chloé", 1_050L), ("Lefèvre Lucas", 500L)], invoices.Select(r => (r.PupilName, r.TotalCents)).Order());
        Assert.Empty(await new Charges(db).UnbilledAsync(DemoSchool.Id));
    }

    [Fact]
    public async Task A_charges_file_with_a_bad_line_names_it_and_imports_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var before = (await new Charges(db).UnbilledAsync(DemoSchool.Id)).Count;

        var page = await UploadAsync(manager, """
            matricule;prenom;nom;classe;date;libelle;quantite;prix_unitaire
            ;Chloé;Dubois;4B;03/10/2026;Photos;1;12
            ;Personne;Inconnu;9Z;03/10/2026;Photos;1;12
            ;Chloé;Dubois;4B;31/02/2026;Photos;1;12
            ;Chloé;Dubois;4B;03/10/2026;Photos
            """);

        Assert.Contains("Ligne 3 : élève inconnu", page);
        Assert.Contains("Ligne 4 : date invalide", page);
        Assert.Contains("Ligne 5 : il faut 8 colonnes.", page);
        Assert.Equal(before, (await new Charges(db).UnbilledAsync(DemoSchool.Id)).Count);
    }

    [Fact]
    public async Task The_store_answers_what_is_wrong_as_codes_and_writes_nothing()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var charges = new Charges(db);
        var chloe = (await new PupilRegistry(db).ListAsync(DemoSchool.Id, "4B")).First(p => p.FirstName == "Chloé");
        var before = (await charges.UnbilledAsync(DemoSchool.Id)).Count;
        var now = web.Clock.GetUtcNow();

        var import = await charges.ImportAsync(DemoSchool.Id, """
            matricule;prenom;nom;classe;date;libelle;quantite;prix_unitaire
            ;Chloé;Dubois;4B;03/10/2026;Photos
            ;Chloé;Dubois;4B;03/10/2026;Photos;0;12
            ;Chloé;Dubois;4B;03/10/2026;Photos;1;12
            """, now);

        Assert.Equal([new ChargeLineError(2, ChargeProblem.Columns), new ChargeLineError(3, ChargeProblem.InvalidLine)], import.Errors);
        Assert.Equal((0, 0), (import.Added, import.AlreadyThere));
        Assert.Equal([new ChargeLineError(1, ChargeProblem.Empty)], (await charges.ImportAsync(DemoSchool.Id, "matricule;prenom", now)).Errors);
        Assert.Equal(ChargeProblem.UnknownPupil, await charges.AddAsync(DemoSchool.Id, Guid.NewGuid().ToString(), "03/10/2026", "Photos", "1", "12", now));
        Assert.Equal(ChargeProblem.InvalidDate, await charges.AddAsync(DemoSchool.Id, chloe.Id.ToString(), "31/02/2026", "Photos", "1", "12", now));
        Assert.Equal(before, (await charges.UnbilledAsync(DemoSchool.Id)).Count);
    }

    static async Task<string> UploadAsync(HttpClient manager, string csv)
    {
        var token = Forms.AntiforgeryToken(await manager.GetStringAsync("/e/demo/gestion/factures/frais"));
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "fichier", "frais.csv" },
        };
        var response = await manager.PostAsync("/e/demo/gestion/factures/frais/import", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}