using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Management;

public sealed partial class ManagementPagesTests(WebNode.WithOutboxOnly web) : IClassFixture<WebNode.WithOutboxOnly>
{
    static readonly string[] Pages =
        ["gestion/eleves", "gestion/eleves/nouveau", "gestion/parents", "gestion/parents/nouveau", "gestion/personnel",
         "gestion/personnel/nouveau", "gestion/import", "gestion/courriels"];

    static readonly string[] MenuEntries = ["gestion/eleves", "gestion/parents", "gestion/personnel", "gestion/import", "gestion/courriels"];

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task The_manager_sees_every_page_of_the_school_side_and_its_menu()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var chloe = (await new PupilRegistry(Db).ListAsync(DemoSchool.Id, "4B")).First(p => p.FirstName == "Chloé");

        var titles = new List<string>();
        foreach (var page in Pages.Append($"gestion/eleves/{chloe.Id}"))
        {
            titles.Add(TitleOf(await manager.PageAsync(page)));
        }

        Assert.Equal(["Élèves", "Nouvel élève", "Parents", "Nouveau parent", "Personnel", "Nouveau membre du personnel", "Import des élèves et des parents", "Courriels", "Chloé Dubois"], titles);
        var dashboard = await manager.PageAsync("tableau-de-bord");
        Assert.All(MenuEntries, entry => Assert.Contains($"href=\"{entry}\"", dashboard));
        var parents = await manager.PageAsync("gestion/parents");
        Assert.Contains("marc.dubois", parents);
        Assert.Contains("Chloé Dubois (4B)", parents);
        Assert.Contains("Jamais invité", parents);
    }

    [Theory]
    [InlineData("marc.dubois")]
    [InlineData("sophie.martin")]
    [InlineData("karim.benali")]
    public async Task Parents_teachers_and_canteen_neither_see_nor_reach_the_school_side(string userName)
    {
        using var other = await ManagerClient.SignInAsync(web, userName);
        var chloe = (await new PupilRegistry(Db).ListAsync(DemoSchool.Id, "4B")).First(p => p.FirstName == "Chloé");

        foreach (var page in Pages.Append($"gestion/eleves/{chloe.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(page)).StatusCode);
        }
        var html = await other.PageAsync("tableau-de-bord");
        Assert.Contains("href=\"tableau-de-bord\"", html);
        Assert.All(MenuEntries, entry => Assert.DoesNotContain($"href=\"{entry}\"", html));
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        using var visitor = ManagerClient.Anonymous(web);
        foreach (var page in Pages)
        {
            var response = await visitor.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/e/demo/connexion", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task Ids_of_another_school_and_unknown_ids_are_not_found()
    {
        var otherSchool = await TestSchools.CreateAsync(Db);
        var (otherPupil, _) = await new PupilRegistry(Db).AddAsync(otherSchool, new PupilDetails("Autre", "Élève", "1A", null));
        var (otherParent, _) = await new PupilRegistry(Db).AddGuardianAsync(otherSchool, otherPupil!.Value,
            new NewParent("Autre", "Parent", "autre.parent@example.be"));
        var otherMail = await web.Services.GetRequiredService<Outbox>().EnqueueAsync(
            new OutgoingMail(otherSchool, "autre.parent@example.be", "Autre Parent", "Invitation", "texte", "<p>html</p>"));
        using var manager = await ManagerClient.SignInAsync(web);
        var before = await CountsAsync();

        foreach (var page in new[] { $"gestion/eleves/{otherPupil}", $"gestion/eleves/{Guid.NewGuid()}", $"gestion/courriels/{otherMail}",
            $"gestion/courriels/{Guid.NewGuid()}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(page)).StatusCode);
        }
        foreach (var (action, fields) in new (string, (string, string)[])[]
        {
            ($"gestion/eleves/{otherPupil}", [("FirstName", "X"), ("LastName", "Y"), ("ClassName", "6Z")]),
            ($"gestion/eleves/{otherPupil}/parents", [("Login", "marc.dubois")]),
            ($"gestion/eleves/{otherPupil}/parents/nouveau", [("FirstName", "X"), ("LastName", "Y"), ("Email", "xy@example.be")]),
            ($"gestion/eleves/{otherPupil}/parents/{otherParent!.Id}/retirer", []),
            ($"gestion/parents/{otherParent.Id}/invitation", []),
            ($"gestion/parents/{Guid.NewGuid()}/invitation", []),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("gestion/eleves", action, fields)).StatusCode);
        }
        Assert.Equal(before, await CountsAsync());
        Assert.Equal("1A", (await new PupilRegistry(Db).FindAsync(otherSchool, otherPupil.Value))?.ClassName);
    }

    [Fact]
    public async Task A_pupil_is_added_edited_and_given_guardians_from_its_page()
    {
        using var manager = await ManagerClient.SignInAsync(web);

        var created = await manager.PostAsync("gestion/eleves/nouveau", "gestion/eleves/nouveau",
            ("FirstName", "Inès"), ("LastName", "Verbeke"), ("ClassName", "2A"), ("Reference", "P-2001"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = created.Headers.Location!.OriginalString.Split('?')[0]["/e/demo/".Length..];
        Assert.Contains("L&#x27;élève a été ajouté", await manager.PageAsync(page + "?ok=eleve-cree"));

        var empty = await manager.PostAsync("gestion/eleves/nouveau", "gestion/eleves/nouveau");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Indiquez le prénom de l&#x27;élève.", await empty.Content.ReadAsStringAsync());
        var duplicate = await manager.PostAsync("gestion/eleves/nouveau", "gestion/eleves/nouveau",
            ("FirstName", "Autre"), ("LastName", "Élève"), ("ClassName", "2A"), ("Reference", "P-2001"));
        Assert.Contains("Ce matricule est déjà celui d&#x27;un autre élève", await duplicate.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await manager.PostAsync(page, page,
            ("FirstName", "Inès"), ("LastName", "Verbeke"), ("ClassName", "3A"), ("Reference", "P-2001"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.PostAsync(page, page + "/parents", ("Login", "marc.dubois@example.be"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.PostAsync(page, page + "/parents/nouveau",
            ("FirstName", "Hélène"), ("LastName", "Verbeke"), ("Email", "helene.verbeke@example.be"))).StatusCode);
        var wrongAddress = await manager.PostAsync(page, page + "/parents/nouveau",
            ("FirstName", "Paul"), ("LastName", "Verbeke"), ("Email", "paul.verbeke"));
        Assert.Contains("Cette adresse e-mail n&#x27;est pas valable", await wrongAddress.Content.ReadAsStringAsync());
        var unknown = await manager.PostAsync(page, page + "/parents", ("Login", "personne@example.be"));
        Assert.Contains("Aucun parent de l&#x27;école n&#x27;a cette adresse", await unknown.Content.ReadAsStringAsync());

        var pupilId = Guid.Parse(page.Split('/')[^1]);
        var pupil = await new PupilRegistry(Db).FindAsync(DemoSchool.Id, pupilId);
        Assert.Equal("3A", pupil?.ClassName);
        Assert.Equal(["marc.dubois", "helene.verbeke"], pupil!.Guardians.Select(g => g.UserName));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM users WHERE email = 'paul.verbeke'"));

        var marc = pupil.Guardians[0].Id;
        Assert.Equal(HttpStatusCode.Redirect, (await manager.PostAsync(page, $"{page}/parents/{marc}/retirer")).StatusCode);
        Assert.Equal(["helene.verbeke"], (await new PupilRegistry(Db).FindAsync(DemoSchool.Id, pupilId))!.Guardians.Select(g => g.UserName));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync(page, $"{page}/parents/{marc}/retirer")).StatusCode);
    }

    [Fact]
    public async Task The_import_shows_a_preview_and_writes_only_on_confirmation()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var csv = """
            matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent
            IMP-1;Jules;Lambert;5C;Sarah;Lambert;sarah.lambert@example.be
            IMP-2;Rose;Lambert;2C;Sarah;Lambert;sarah.lambert@example.be
            IMP-3;Chloé;Dubois;4B;Marc;Dubois;marc.dubois@example.be
            """;
        var before = await CountsAsync();

        var preview = await (await manager.UploadAsync(csv)).Content.ReadAsStringAsync();

        Assert.Contains("Confirmer l&#x27;import", preview);
        Assert.Equal(3, Regex.Matches(preview, "data-change=\"Create\"").Count);
        Assert.Contains("Nouveau compte", preview);
        Assert.Contains("Compte existant", preview);
        Assert.Equal(before, await CountsAsync());

        var confirmed = await manager.PostAsync("gestion/import", "gestion/import/confirmer", ("Content", ManagerClient.HiddenContent(preview)));
        var result = await confirmed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Import terminé", result);
        Assert.Contains("sarah.lambert", result);
        Assert.Equal(before with { Pupils = before.Pupils + 3, Users = before.Users + 1, Links = before.Links + 3 }, await CountsAsync());
        var again = await (await manager.UploadAsync(csv)).Content.ReadAsStringAsync();
        Assert.Contains("Ce fichier ne change rien", again);
        Assert.DoesNotContain("Confirmer l&#x27;import", again);
    }

    [Fact]
    public async Task A_file_with_errors_lists_them_by_line_and_offers_no_confirmation()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var before = await CountsAsync();

        var preview = await (await manager.UploadAsync("""
            matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent
            ERR-1;Jules;Martin;5C;Sarah;Martin;sarah.martin@example.be
            ERR-2;Rose;Martin;;Sarah;Martin;sarah.martin@example.be
            ERR-3;Léon;Martin;1C;Sarah;Martin;sarah.martin@
            """)).Content.ReadAsStringAsync();

        Assert.Contains("Le fichier contient 2 erreur(s). Rien n&#x27;a été enregistré", preview);
        Assert.Contains("data-line=\"3\"", preview);
        Assert.Contains("La colonne « classe » est vide.", preview);
        Assert.Contains("data-line=\"4\"", preview);
        Assert.Contains("« sarah.martin@ » n&#x27;est pas une adresse e-mail valable.", preview);
        Assert.DoesNotContain("Confirmer l&#x27;import", preview);

        var tampered = await manager.PostAsync("gestion/import", "gestion/import/confirmer",
            ("Content", "matricule;prenom_eleve;nom_eleve;classe\nERR-9;Zoé;Martin;1A\nERR-10;;Martin;1A\n"));
        Assert.Contains("data-line=\"3\"", await tampered.Content.ReadAsStringAsync());
        Assert.Equal(before, await CountsAsync());

        var picture = await manager.UploadAsync([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]);
        Assert.Contains("Le fichier n&#x27;est pas un fichier texte CSV", await picture.Content.ReadAsStringAsync());
        Assert.Equal(before, await CountsAsync());

        // What Belgian Excel saves by default ("CSV (séparateur: point-virgule)") is Windows-1252.
        var excelAnsi = await manager.UploadAsync(CodePagesEncodingProvider.Instance.GetEncoding(1252)!
            .GetBytes("matricule;prenom_eleve;nom_eleve;classe\nERR-11;Zoé;Lefèvre;1A\n"));
        var ansiPreview = await excelAnsi.Content.ReadAsStringAsync();
        Assert.Contains("Zoé", ansiPreview);
        Assert.Contains("Lefèvre", ansiPreview);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task An_invitation_queues_a_mail_whose_link_opens_the_first_connection_with_a_valid_token()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.PostAsync("gestion/parents/nouveau", "gestion/parents/nouveau",
            ("FirstName", "Nora"), ("LastName", "Invitée"), ("Email", "nora.invitee@example.be"))).StatusCode);
        var nora = (await new ParentAccounts(Db).ListAsync(DemoSchool.Id)).Single(p => p.Email == "nora.invitee@example.be");
        Assert.Equal("nora.invitee", nora.UserName);

        var row = await manager.HtmxPostAsync("gestion/parents", $"gestion/parents/{nora.Id}/invitation");

        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        var fragment = await row.Content.ReadAsStringAsync();
        Assert.StartsWith($"<tr id=\"parent-{nora.Id}\"", fragment.Trim());
        Assert.Contains("Invitation envoyée", fragment);
        Assert.Contains("Invité le", fragment);
        Assert.Contains("Renvoyer", fragment);
        var counts = await new ParentAccounts(Db).ListAsync(DemoSchool.Id);
        Assert.Contains($"<p class=\"summary\" id=\"parents-summary\" hx-swap-oob=\"true\">", fragment);
        Assert.Contains($"{counts.Count(p => p.Status == ConnectionStatus.Invited)} invité(s) pas encore connecté(s)", WebUtility.HtmlDecode(fragment));
        Assert.Contains($"ne se sont pas encore connectés ({counts.Count(p => p.Status != ConnectionStatus.Connected)})", WebUtility.HtmlDecode(fragment));
        var mail = (await web.Services.GetRequiredService<Outbox>().ListAsync(DemoSchool.Id)).Single(m => m.RecipientAddress == "nora.invitee@example.be");
        Assert.Contains(mail.Subject, await manager.PageAsync("gestion/courriels"));

        var mailPage = await manager.PageAsync($"gestion/courriels/{mail.Id}");
        var link = MailLink().Match(mailPage);
        Assert.True(link.Success, "The mail has no first-connection link");
        var token = WebUtility.UrlDecode(link.Groups["token"].Value);
        Assert.Contains("nora.invitee", mailPage);
        var check = await web.Services.GetRequiredService<LoginTokens>().CheckAsync(DemoSchool.Id, token);
        Assert.Equal(TokenState.Valid, check.State);
        Assert.Equal("nora.invitee", check.UserName);

        using var parent = ManagerClient.Anonymous(web);
        var firstConnection = await parent.Http.GetAsync(new Uri(link.Groups["url"].Value).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, firstConnection.StatusCode);
        Assert.Contains($"value=\"{token}\"", await firstConnection.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_parent_who_has_connected_is_offered_no_invitation_and_a_forged_one_sends_nothing()
    {
        (await SignedIn.AsAsync(web, "marc.dubois")).Dispose();
        using var manager = await ManagerClient.SignInAsync(web);
        var marc = (await new ParentAccounts(Db).ListAsync(DemoSchool.Id)).Single(p => p.UserName == "marc.dubois");
        var list = await manager.PageAsync("gestion/parents");
        var row = System.Text.RegularExpressions.Regex.Match(list, $"<tr id=\"parent-{marc.Id}\".*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("data-status", row);
        Assert.DoesNotContain("/invitation", row);

        var outbox = web.Services.GetRequiredService<Outbox>();
        var before = (await outbox.ListAsync(DemoSchool.Id)).Count(m => m.RecipientAddress == marc.Email);
        var forged = await manager.PostAsync("gestion/parents", $"gestion/parents/{marc.Id}/invitation");
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Contains("ok=deja-connecte", forged.Headers.Location!.ToString());
        Assert.Equal(before, (await outbox.ListAsync(DemoSchool.Id)).Count(m => m.RecipientAddress == marc.Email));
    }

    [Fact]
    public async Task Inviting_everyone_not_yet_connected_skips_parents_who_already_signed_in()
    {
        var parents = new ParentAccounts(Db);
        var connected = (await parents.CreateAsync(DemoSchool.Id, new NewParent("Yves", "Déjàvenu", "yves.dejavenu@example.be"))).Account!;
        var waiting = (await parents.CreateAsync(DemoSchool.Id, new NewParent("Zoé", "Pasencore", "zoe.pasencore@example.be"))).Account!;
        var tokens = web.Services.GetRequiredService<LoginTokens>();
        await tokens.RedeemAsync(DemoSchool.Id, await tokens.IssueAsync(DemoSchool.Id, connected.Id, TokenPurpose.Invitation),
            PasswordHash.Create("Mot-de-passe-42"));
        var outbox = web.Services.GetRequiredService<Outbox>();
        var mailsBefore = (await outbox.ListAsync(DemoSchool.Id, limit: 10_000)).Count(m => m.RecipientAddress == connected.Email);
        using var manager = await ManagerClient.SignInAsync(web);

        var response = await manager.PostAsync("gestion/parents", "gestion/parents/invitations");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var notice = await manager.PageAsync(response.Headers.Location!.OriginalString["/e/demo/".Length..]);
        Assert.Contains("Invitations envoyées :", notice);
        var mails = await outbox.ListAsync(DemoSchool.Id, limit: 10_000);
        Assert.Single(mails, m => m.RecipientAddress == waiting.Email);
        Assert.Equal(mailsBefore, mails.Count(m => m.RecipientAddress == connected.Email));
        Assert.Contains(mails, m => m.RecipientAddress == "marc.dubois@example.be" || m.RecipientAddress == "amelie.lefevre@example.be");
    }

    [Fact]
    public async Task Every_change_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var manager = await ManagerClient.SignInAsync(web);
        var chloe = (await new PupilRegistry(Db).ListAsync(DemoSchool.Id, "4B")).First(p => p.FirstName == "Chloé");
        var marc = chloe.Guardians.Single().Id;
        var before = await CountsAsync();
        var outboxBefore = await ScalarAsync("SELECT count(*) FROM mail_outbox");

        foreach (var (action, fields) in new (string, (string, string)[])[]
        {
            ("gestion/eleves/nouveau", [("FirstName", "Sans"), ("LastName", "Jeton"), ("ClassName", "1A")]),
            ($"gestion/eleves/{chloe.Id}", [("FirstName", "Chloé"), ("LastName", "Dubois"), ("ClassName", "6Z")]),
            ($"gestion/eleves/{chloe.Id}/parents", [("Login", "amelie.lefevre")]),
            ($"gestion/eleves/{chloe.Id}/parents/nouveau", [("FirstName", "Sans"), ("LastName", "Jeton"), ("Email", "sans.jeton@example.be")]),
            ($"gestion/eleves/{chloe.Id}/parents/{marc}/retirer", []),
            ("gestion/parents/nouveau", [("FirstName", "Sans"), ("LastName", "Jeton"), ("Email", "sans.jeton@example.be")]),
            ($"gestion/parents/{marc}/invitation", []),
            ("gestion/parents/invitations", []),
            ("gestion/personnel/nouveau", [("FirstName", "Sans"), ("LastName", "Jeton"), ("Email", "sans.jeton@ecole.example.be"), ("Role", "Teacher")]),
            ("gestion/import/confirmer", [("Content", "matricule;prenom_eleve;nom_eleve;classe\nSJ-1;Sans;Jeton;1A\n")]),
        })
        {
            var response = await manager.Http.PostAsync("/e/demo/" + action,
                new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{action}: {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.UploadAsync("matricule;prenom_eleve;nom_eleve;classe\nSJ-2;A;B;1A\n", withToken: false)).StatusCode);

        Assert.Equal(before, await CountsAsync());
        Assert.Equal(outboxBefore, await ScalarAsync("SELECT count(*) FROM mail_outbox"));
        Assert.Equal("4B", (await new PupilRegistry(Db).FindAsync(DemoSchool.Id, chloe.Id))?.ClassName);
    }

    [GeneratedRegex("<h1>([^<]*)")]
    private static partial Regex Heading();

    [GeneratedRegex("href=\"(?<url>[^\"]*/e/demo/premiere-connexion\\?jeton=(?<token>[^\"]+))\"")]
    private static partial Regex MailLink();

    static string TitleOf(string html) => WebUtility.HtmlDecode(Heading().Match(html).Groups[1].Value).Trim();

    async Task<(long Pupils, long Users, long Links, long Tokens)> CountsAsync() => (
        await ScalarAsync("SELECT count(*) FROM pupils"),
        await ScalarAsync("SELECT count(*) FROM users"),
        await ScalarAsync("SELECT count(*) FROM guardianships"),
        await ScalarAsync("SELECT count(*) FROM login_tokens"));

    async Task<long> ScalarAsync(string sql)
    {
        await using var command = Db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}