using ItSchool.Documents;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using Npgsql;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Documents;

/// <summary>
/// The demo school's documents (demo mode only, right after its seed): a class letter and a permission slip for 4B
/// and the term's calendar for the whole school, each a one-page PDF written here, stored through the same upload
/// path as the school's; Amélie Lefèvre has opened the calendar, not the others, so the dashboard shows unread ones.
/// </summary>
public static class DemoDocuments
{
    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var store = services.GetRequiredService<DocumentStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = SchoolTime.Day(now);
        var all = await store.PupilsOfWholeSchoolAsync(DemoSchool.Id, cancellationToken);
        var fourB = await store.PupilsOfClassAsync(DemoSchool.Id, "4B", cancellationToken);
        if (all.Count == 0 || fourB.Count == 0)
        {
            return;
        }
        var calendar = await StoreAsync(db, new DocumentDraft("Calendrier du premier trimestre", today.AddDays(-12), DocumentAudience.School, null, all),
            "calendrier-trimestre.pdf", ["Calendrier du premier trimestre", "Rentrée : lundi", "Congé d'automne : deux semaines fin octobre",
                "Réunion de parents : en novembre (inscription dans ItSchool)"], now.AddDays(-12), cancellationToken);
        await StoreAsync(db, new DocumentDraft("Lettre aux parents de 4B", today.AddDays(-5), DocumentAudience.Class, "4B", fourB),
            "lettre-4B.pdf", ["Chers parents,", "Voici le programme de la classe de 4B pour ce trimestre.", "L'équipe éducative"],
            now.AddDays(-5), cancellationToken);
        await StoreAsync(db, new DocumentDraft("Excursion au Musée des Sciences naturelles — autorisation", today.AddDays(-1), DocumentAudience.Class, "4B", fourB),
            "autorisation-excursion.pdf", ["Excursion au Musée des Sciences naturelles", "Merci de signer l'autorisation et de la rendre au titulaire.",
                "Nom de l'élève : ........................", "Signature d'un parent : ........................"], now.AddDays(-1), cancellationToken);

        await using var read = db.CreateCommand("""
            INSERT INTO document_reads (document_id, user_id, opened_at)
            SELECT @document, id, @at FROM users WHERE school_id = @school AND user_name = 'amelie.lefevre'
            ON CONFLICT DO NOTHING
            """);
        read.Parameters.AddWithValue("document", calendar);
        read.Parameters.AddWithValue("school", DemoSchool.Id);
        read.Parameters.AddWithValue("at", now.AddDays(-11));
        await read.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<Guid> StoreAsync(NpgsqlDataSource db, DocumentDraft draft, string fileName, IReadOnlyList<string> lines, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var upload = await DocumentUpload.BeginAsync(db, at, cancellationToken);
        using var content = new MemoryStream(Pdf(lines));
        if (await upload.WriteFileAsync(content, fileName, long.MaxValue, cancellationToken) is { } problem)
        {
            throw new InvalidOperationException($"The demo document {fileName} was refused: {problem}");
        }
        await upload.CommitAsync(DemoSchool.Id, draft, "Claire Dupont", at, cancellationToken);
        return upload.Id;
    }

    /// <summary>A one-page A4 PDF with the lines one under the other, the first as the heading.</summary>
    public static byte[] Pdf(IReadOnlyList<string> lines)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var page = document.AddPage(PageSize.A4);
        var y = 780.0;
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            page.AddText(PdfFonts.Printable(line), index == 0 ? 16 : 11, new PdfPoint(60, y), index == 0 ? bold : regular);
            y -= index == 0 ? 32 : 18;
        }
        return document.Build();
    }
}