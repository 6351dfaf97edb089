using System.Net;
using System.Text;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static ItSchool.Tests.Documents.DocumentRig;

namespace ItSchool.Tests.Documents;

public sealed class DocumentPagesTests(SmallDocumentsNode web) : IClassFixture<SmallDocumentsNode>
{
    const string AllRows = "SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM document_chunks) + (SELECT count(*) FROM document_pupils)";

    [Fact]
    public async Task A_pdf_sent_to_a_pupil_reaches_the_guardian_as_an_attachment_of_the_sniffed_type()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var content = Pdf("Réunion de classe");
        var response = await UploadAsync(manager, "Réunion de classe", "reunion.pdf", content, "pupils", null, lucas);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var id = (await IdOfAsync(web, "Réunion de classe"))!.Value;
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM document_pupils WHERE document_id = @id AND pupil_id = @pupil", ("id", id), ("pupil", lucas)));

        var parent = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var list = WebUtility.HtmlDecode(await parent.GetStringAsync("/e/demo/documents"));
        Assert.Contains("<strong class=\"document-title\">Réunion de classe</strong>", list);
        var download = await parent.GetAsync($"/e/demo/documents/{id}/fichier");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("reunion.pdf", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_file_larger_than_a_chunk_comes_back_byte_for_byte()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        // A picture of 600 kB: three chunks in the database, the last one partial.
        var content = new byte[600_000];
        new Random(7).NextBytes(content);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.CopyTo(content, 0);
        Assert.Equal(HttpStatusCode.NoContent, (await UploadAsync(manager, "Photo de classe", "photo.PNG", content, "pupils", null, chloe)).StatusCode);
        var id = (await IdOfAsync(web, "Photo de classe"))!.Value;
        Assert.Equal(3, await CountAsync(web, "SELECT count(*) FROM document_chunks WHERE document_id = @id", ("id", id)));

        var parent = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var download = await parent.GetAsync($"/e/demo/documents/{id}/fichier");
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(content.Length, download.Content.Headers.ContentLength);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Without_script_the_form_posts_its_token_as_a_field_and_the_document_is_taken_all_the_same()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var form = new MultipartFormDataContent
        {
            { new StringContent(Forms.AntiforgeryToken(await manager.GetStringAsync(Page))), "__RequestVerificationToken" },
            { new StringContent("Sans script"), "Title" },
            { new StringContent("2026-12-02"), "Date" },
            { new StringContent("school"), "Audience" },
            { new ByteArrayContent(Pdf("Sans script")), "File", "sans-script.pdf" },
        };
        var response = await manager.PostAsync(Page, form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/e/demo/gestion/documents?ok=sent&n=4", response.Headers.Location!.ToString());
        var id = (await IdOfAsync(web, "Sans script"))!.Value;
        Assert.Equal(4, await CountAsync(web, "SELECT count(*) FROM document_pupils WHERE document_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_program_renamed_pdf_is_refused_with_a_clear_message_and_nothing_is_stored()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var before = await CountAsync(web, AllRows);
        var program = Encoding.ASCII.GetBytes("MZ\u0090\0\u0003\0\0\0This program cannot be run in DOS mode.");

        var fragment = await FragmentAsync(await UploadAsync(manager, "Pas un PDF", "bulletin.pdf", program, "pupils", null, lucas));

        Assert.Contains("Ce fichier n'est pas accepté", fragment);
        Assert.Contains("value=\"Pas un PDF\"", fragment);
        Assert.Null(await IdOfAsync(web, "Pas un PDF"));
        Assert.Equal(before, await CountAsync(web, AllRows));
    }

    [Fact]
    public async Task A_real_pdf_named_as_a_picture_is_refused_too()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var fragment = await FragmentAsync(await UploadAsync(manager, "Mauvais nom", "photo.jpg", Pdf("x"), "class", "4B"));
        Assert.Contains("son contenu doit correspondre à l'extension", fragment);
        Assert.Null(await IdOfAsync(web, "Mauvais nom"));
    }

    [Fact]
    public async Task A_file_over_the_configured_limit_is_refused_and_nothing_is_stored()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await CountAsync(web, AllRows);
        var content = new byte[SmallDocumentsNode.MaxBytes + 1];
        Pdf("grand").CopyTo(content, 0);

        var fragment = await FragmentAsync(await UploadAsync(manager, "Trop grand", "grand.pdf", content, "school"));

        Assert.Contains("Ce fichier dépasse 1 Mo. Rien n'a été enregistré.", fragment);
        Assert.Null(await IdOfAsync(web, "Trop grand"));
        Assert.Equal(before, await CountAsync(web, AllRows));
    }

    [Fact]
    public async Task Another_schools_pupil_forged_into_the_form_is_refused_and_nothing_is_stored()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var otherSchool = Guid.NewGuid();
        var foreign = Guid.NewGuid();
        await using (var insert = db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@school, @slug, 'Ailleurs');
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@pupil, @school, 'Zoé', 'Ailleurs', '4B');
            """))
        {
            insert.Parameters.AddWithValue("school", otherSchool);
            insert.Parameters.AddWithValue("slug", $"ailleurs-{otherSchool:N}");
            insert.Parameters.AddWithValue("pupil", foreign);
            await insert.ExecuteNonQueryAsync();
        }
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await CountAsync(web, AllRows);

        var fragment = await FragmentAsync(await UploadAsync(manager, "Pour Zoé", "zoe.pdf", Pdf("Zoé"), "pupils", null,
            await DemoPupils.IdAsync(web, "Lucas"), foreign));

        Assert.Contains("Un des élèves choisis n'est pas un élève de l'école. Rien n'a été enregistré.", fragment);
        Assert.Equal(before, await CountAsync(web, AllRows));
        // A class is this school's class only: the other school's 4B pupil does not receive a 4B document.
        var id = await SendAsync(web, manager, "Sortie de 4B", "class", "4B");
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM document_pupils WHERE document_id = @id AND pupil_id = @pupil", ("id", id), ("pupil", foreign)));
        Assert.Equal(2, await CountAsync(web, "SELECT count(*) FROM document_pupils WHERE document_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Opening_marks_the_document_read_for_that_guardian_only_and_the_school_sees_who()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var id = await SendAsync(web, manager, "Journée sportive", "pupils", null, lucas);

        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync($"/e/demo/documents/{id}/fichier")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync($"/e/demo/documents/{id}/fichier")).StatusCode);

        var ameliesList = WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/documents"));
        Assert.Contains("<span class=\"document-title\">Journée sportive</span>", ameliesList);
        var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        Assert.Contains("<strong class=\"document-title\">Journée sportive</strong>", WebUtility.HtmlDecode(await pierre.GetStringAsync("/e/demo/documents")));
        Assert.Contains("Journée sportive", WebUtility.HtmlDecode(await pierre.GetStringAsync("/e/demo/tableau-de-bord")));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM document_reads WHERE document_id = @id", ("id", id)));

        var receipts = WebUtility.HtmlDecode(await manager.GetStringAsync($"{Page}/{id}"));
        Assert.Contains("1 parent(s) sur 2 l'ont ouvert", receipts);
        Assert.Matches("Amélie Lefèvre</td>\\s*<td[^>]*>\\s*<span class=\"badge good\">\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d</span>", receipts);
        Assert.Matches("Pierre Lefèvre</td>\\s*<td[^>]*>\\s*<span class=\"badge warn\">Pas encore ouvert</span>", receipts);
    }

    [Fact]
    public async Task Another_familys_document_answers_404_and_nothing_is_marked_read()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var id = await SendAsync(web, manager, "Pour Benoît seulement", "pupils", null, await DemoPupils.IdAsync(web, "Benoît"));

        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/documents/{id}/fichier")).StatusCode);
        Assert.DoesNotContain("Pour Benoît seulement", await marc.GetStringAsync("/e/demo/documents"));
        // Amélie's other child: the document is Benoît's, not Lucas's, whose account she has open.
        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync($"/e/demo/documents/{id}/fichier")).StatusCode);
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM document_reads WHERE document_id = @id", ("id", id)));
        // Nor is a parent a manager.
        Assert.NotEqual(HttpStatusCode.OK, (await marc.GetAsync($"{Page}/{id}/fichier")).StatusCode);
    }

    [Fact]
    public async Task Relancer_mails_the_guardians_who_have_not_opened_it_once_in_their_language()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var id = await SendAsync(web, manager, "Fancy-fair", "pupils", null, await DemoPupils.IdAsync(web, "Lucas"));
        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        Assert.Equal(HttpStatusCode.OK, (await amelie.GetAsync($"/e/demo/documents/{id}/fichier")).StatusCode);
        await PierreInDutchAsync();

        var first = await Forms.PostAsync(manager, $"{Page}/{id}", $"{Page}/{id}/relancer");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.EndsWith($"/gestion/documents/{id}?ok=reminded&n=1", first.Headers.Location!.ToString());
        // The reminder, not the "new document" notification the family got when it was sent.
        var mail = await web.Mail.WaitForAsync(m => m.To.ToString().Contains("pierre.lefevre") && m.Subject == "Te lezen document: Fancy-fair");
        Assert.Contains("/e/demo/documents", mail.TextBody);

        var second = await Forms.PostAsync(manager, $"{Page}/{id}", $"{Page}/{id}/relancer");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("rien n'a été renvoyé", WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync()));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM mail_outbox WHERE subject LIKE '%Fancy-fair' AND subject NOT LIKE 'Nouveau document%' AND subject NOT LIKE 'Nieuw document%'"));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM document_reminders WHERE document_id = @id", ("id", id)));
        Assert.DoesNotContain(web.Mail.Received, m => m.Subject != null && m.Subject.Contains("Fancy-fair") && !m.Subject.StartsWith("Nouveau document")
            && m.To.ToString().Contains("amelie"));

        async Task<Guid> PierreInDutchAsync()
        {
            await using var db = NpgsqlDataSource.Create(web.ConnectionString);
            await using var command = db.CreateCommand("UPDATE users SET language = 'nl-BE' WHERE user_name = 'pierre.lefevre' RETURNING id");
            return (Guid)(await command.ExecuteScalarAsync())!;
        }
    }

    [Fact]
    public async Task The_childs_invoices_are_among_its_documents_and_opening_one_marks_it_read()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT id, number FROM invoices WHERE pupil_id = @pupil ORDER BY issued_on DESC LIMIT 1");
        query.Parameters.AddWithValue("pupil", lucas);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The demo has an invoice for Lucas");
        var (invoice, number) = (reader.GetGuid(0), reader.GetString(1));

        var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        var list = WebUtility.HtmlDecode(await pierre.GetStringAsync("/e/demo/documents"));
        Assert.Contains($"Facture {number} — ", list);
        Assert.Contains($"href=\"documents/factures/{invoice}\"", list);
        var opened = await pierre.GetAsync($"/e/demo/documents/factures/{invoice}");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.EndsWith($"/e/demo/finances/factures/{invoice}/facture.pdf", opened.Headers.Location!.ToString());
        Assert.Equal("application/pdf", (await pierre.GetAsync(opened.Headers.Location!)).Content.Headers.ContentType!.MediaType);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM invoice_reads WHERE invoice_id = @id", ("id", invoice)));

        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/documents/factures/{invoice}")).StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM invoice_reads WHERE invoice_id = @id", ("id", invoice)));
    }

    [Fact]
    public async Task The_demo_family_has_documents_one_read_and_others_not()
    {
        var amelie = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Lucas");
        var list = WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/documents"));
        Assert.Contains("<span class=\"document-title\">Calendrier du premier trimestre</span>", list);
        Assert.Contains("<strong class=\"document-title\">Lettre aux parents de 4B</strong>", list);
        var dashboard = WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/tableau-de-bord"));
        Assert.Contains("Derniers documents non lus", dashboard);
        Assert.Contains("Excursion au Musée des Sciences naturelles — autorisation", dashboard);
        Assert.True(await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id).GetEnabledModulesAsync() is var modules
            && modules.Contains(SchoolModule.Documents));
    }
}