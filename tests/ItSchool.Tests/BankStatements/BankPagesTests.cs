using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ItSchool.BankStatements;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.BankStatements;

public sealed partial class BankPagesTests(WebNode web) : IClassFixture<WebNode>
{
    [GeneratedRegex("name=\"Imports\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex ImportField();

    static async Task<HttpResponseMessage> UploadAsync(HttpClient manager, params (string Name, byte[] Content)[] files)
    {
        var token = Forms.AntiforgeryToken(await manager.GetStringAsync("/e/demo/gestion/releves"));
        var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "fichiers", name);
        }
        return await manager.PostAsync("/e/demo/gestion/releves", form);
    }

    [Fact]
    public async Task Several_files_are_previewed_then_applied_once_and_kept_in_the_history()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît");
        var before = await Statements.BalanceAsync(web, "Benoît");
        var good = statements.Coda([("P1", 1_234, benoit.ToString()), ("P2", 500, "Benoit Lefevre sortie")]);

        var preview = await (await UploadAsync(manager, ("septembre.cod", good), ("casse.cod", StatementFiles.Bytes("wrong-length.cod")))).Content.ReadAsStringAsync();
        Assert.Contains("Aperçu de l&#x27;import", preview);
        Assert.Contains("ligne 4 : l&#x27;enregistrement fait 127 caractères au lieu de 128", preview);
        Assert.Contains("2 nouveau(x) mouvement(s) : 1 pour des portefeuilles (12,34 €)", preview);
        Assert.Contains("Portefeuille : Benoît Lefèvre · Portefeuille général", preview);
        Assert.Equal(before, await Statements.BalanceAsync(web, "Benoît"));
        var imports = ImportField().Matches(preview).Select(m => m.Groups[1].Value).ToList();
        Assert.Single(imports);

        var token = Forms.AntiforgeryToken(preview);
        var apply = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Imports", imports[0])]);
        var (_, report) = await WorkResults.FollowAsync(manager, await manager.PostAsync("/e/demo/gestion/releves/appliquer", apply));
        Assert.Contains("1 portefeuille(s) crédité(s) (12,34 €)", report);
        Assert.Equal(before + 1_234, await Statements.BalanceAsync(web, "Benoît"));

        // A double click sends the confirmation again: the same report, no second credit.
        var (_, again) = await WorkResults.FollowAsync(manager, await manager.PostAsync("/e/demo/gestion/releves/appliquer",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Imports", imports[0])])));
        Assert.Contains("1 portefeuille(s) crédité(s) (12,34 €)", again);
        Assert.Equal(before + 1_234, await Statements.BalanceAsync(web, "Benoît"));

        var history = await manager.GetStringAsync("/e/demo/gestion/releves");
        Assert.Contains($"data-import=\"{imports[0]}\" data-status=\"Applied\"", history);
        Assert.Contains("data-status=\"Rejected\"", history);
        Assert.Contains("casse.cod", history);
    }

    [Fact]
    public async Task A_refused_file_is_kept_as_codes_and_its_report_reads_in_French()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var report = await web.Services.GetRequiredService<BankImports>().ImportAsync(DemoSchool.Id, "codes.cod",
            () => new MemoryStream(StatementFiles.Bytes("wrong-length.cod")), new(ItSchool.Wallets.ActorKind.User, "t", "t"));

        Assert.Equal(new StatementProblem(StatementPlace.Line(4), BankMessage.Of("Coda.WrongLength", 127, 128)), report.Problem);
        await using var db = Npgsql.NpgsqlDataSource.Create(web.ConnectionString);
        await using var read = db.CreateCommand("SELECT problem::text FROM bank_imports WHERE id = @id");
        read.Parameters.AddWithValue("id", report.Id);
        var stored = (string)(await read.ExecuteScalarAsync())!;
        Assert.Contains("\"Coda.WrongLength\"", stored);
        Assert.DoesNotContain("caractères", stored);

        var page = await manager.GetStringAsync($"/e/demo/gestion/releves/{report.Id}");
        Assert.Contains("Fichier refusé, rien n&#x27;a été importé : ligne 4 : l&#x27;enregistrement fait 127 caractères au lieu de 128", page);
    }

    [Fact]
    public async Task A_free_text_line_is_given_to_the_suggested_pupil_from_the_list()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var statements = new Statements();
        await web.Services.GetRequiredService<BankImports>().ImportAsync(DemoSchool.Id, "libre.cod",
            () => new MemoryStream(statements.Coda([("Q1", 2_000, "cantine Chloe Dubois 4B")])), new(ItSchool.Wallets.ActorKind.User, "t", "t"));
        var list = await manager.GetStringAsync("/e/demo/gestion/releves/a-traiter");
        var id = Regex.Match(list, "data-movement=\"(\\d+)\">(?:(?!</tr>).)*cantine Chloe Dubois 4B", RegexOptions.Singleline).Groups[1].Value;
        Assert.NotEmpty(id);
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        Assert.Contains($"value=\"{chloe}:1\"", list);
        var before = await Statements.BalanceAsync(web, "Chloé");
        var one = await manager.GetStringAsync($"/e/demo/gestion/releves/a-traiter/{id}");
        Assert.Contains("Pas pour ItSchool", one);
        Assert.Contains($"<option value=\"{chloe}:1\">Chloé Dubois (4B) · Portefeuille général (nom de l&#x27;élève dans la communication)</option>", one);

        var done = await Forms.PostAsync(manager, "/e/demo/gestion/releves/a-traiter", $"/e/demo/gestion/releves/a-traiter/{id}/portefeuille",
            ("Target", $"{chloe}:1"));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(before + 2_000, await Statements.BalanceAsync(web, "Chloé"));
        var twice = await (await Forms.PostAsync(manager, "/e/demo/gestion/releves/a-traiter", $"/e/demo/gestion/releves/a-traiter/{id}/portefeuille",
            ("Target", $"{chloe}:1"))).Content.ReadAsStringAsync();
        Assert.Contains("Ce mouvement a déjà été traité.", twice);
        Assert.Equal(before + 2_000, await Statements.BalanceAsync(web, "Chloé"));

        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, "/e/demo/gestion/releves/a-traiter",
            "/e/demo/gestion/releves/a-traiter/999999999/ecarter", ("Reason", "x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/e/demo/gestion/releves/a-traiter/pas-un-nombre")).StatusCode);
        using var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync("/e/demo/gestion/releves")).StatusCode);
    }

    [Fact]
    public async Task A_structured_communication_that_matches_nothing_is_shown_as_the_bank_printed_it()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var unknown = ItSchool.Wallets.StructuredCommunication.From(2_009_876_543);
        await web.Services.GetRequiredService<BankImports>().ImportAsync(DemoSchool.Id, "inconnue.cod",
            () => new MemoryStream(new Statements().Coda([("U1", 4_200, unknown.ToString())])), new(ItSchool.Wallets.ActorKind.User, "t", "t"));

        var list = await manager.GetStringAsync("/e/demo/gestion/releves/a-traiter");

        var row = Regex.Match(list, "<tr data-movement=\"\\d+\">(?:(?!</tr>).)*42,00", RegexOptions.Singleline).Value;
        Assert.Contains(unknown.ToString(), WebUtility.HtmlDecode(row));
    }

    [Fact]
    public async Task A_manager_API_key_is_shown_once_imports_a_statement_and_stops_when_revoked()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await (await Forms.PostAsync(manager, "/e/demo/gestion/cles-api", "/e/demo/gestion/cles-api", ("Name", "Téléchargement Belfius")))
            .Content.ReadAsStringAsync();
        var key = Regex.Match(created, "<code class=\"new-key\">(itsm_[^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.DoesNotContain(key, await manager.GetStringAsync("/e/demo/gestion/cles-api"));

        using var program = web.CreateClient();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var statements = new Statements();
        Assert.Equal(HttpStatusCode.OK, (await program.PostAsync("/api/admin/v1/bank-statements",
            new ByteArrayContent(statements.Coda([("K1", 100, "libre")])))).StatusCode);

        var id = Regex.Match(await manager.GetStringAsync("/e/demo/gestion/cles-api"), "data-key=\"([0-9a-f-]{36})\">\\s*<td>Téléchargement Belfius").Groups[1].Value;
        await Forms.PostAsync(manager, "/e/demo/gestion/cles-api", $"/e/demo/gestion/cles-api/{id}/revocation");
        Assert.Equal(HttpStatusCode.Unauthorized, (await program.PostAsync("/api/admin/v1/bank-statements",
            new ByteArrayContent(statements.Coda([("K2", 100, "libre")])))).StatusCode);
    }
}