using System.Text;
using ItSchool.Platform;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Management;

/// <summary>
/// "Import": upload a CSV file, see what it would do (or its errors, by line), confirm. The file's text
/// travels from the preview to the confirmation in a hidden field, and is planned again when applied.
/// </summary>
public static class ImportPages
{
    /// <summary>The example offered for download and shown on the page; also the README's example.</summary>
    public const string Example = """
        matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent
        20250101;Emma;Wouters;1A;Julie;Wouters;julie.wouters@example.be
        20250101;Emma;Wouters;1A;Tom;Wouters;tom.wouters@example.be
        20250102;Noah;Claes;3B;Anne;Claes;anne.claes@example.be
        20250103;Lina;Peeters;3B;;;
        """;

    public static void MapImportPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/import", () => new RazorComponentResult<ImportPage>());

        // With a byte order mark, so that Excel opens the accents as UTF-8.
        manager.MapGet("/import/exemple.csv", () =>
            Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Example.ReplaceLineEndings("\r\n") + "\r\n")).ToArray(),
                "text/csv; charset=utf-8", "import-eleves-parents.csv"));

        manager.MapPost("/import", async (HttpContext context, PupilImport import, [FromForm(Name = "fichier")] IFormFile? file) =>
        {
            var (text, problem) = await ReadAsync(file, context.RequestAborted);
            if (problem is not null)
            {
                return new RazorComponentResult<ImportPage>(new { Problem = problem });
            }
            var plan = await import.PlanAsync(context.School()!.Id, text!, context.RequestAborted);
            return new RazorComponentResult<ImportPage>(new { Plan = plan, Content = text, FileName = file!.FileName });
        });

        // Importing the same file twice changes nothing, so a confirmation sent again (reload) is harmless.
        manager.MapPost("/import/confirmer", async (HttpContext context, PupilImport import, [FromForm(Name = "Content")] string? content) =>
        {
            var plan = await import.ApplyAsync(context.School()!.Id, content ?? "", context.RequestAborted);
            return new RazorComponentResult<ImportPage>(new { Plan = plan, Content = content, Applied = plan.IsValid });
        });
    }

    static async Task<(string? Text, ImportProblem? Problem)> ReadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, ImportProblem.NoFile);
        }
        if (file.Length > PupilImport.MaxBytes)
        {
            return (null, ImportProblem.TooLarge);
        }
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes, cancellationToken);
        var text = CsvText.Decode(bytes.ToArray());
        return text is null ? (null, ImportProblem.Unreadable) : (text, null);
    }
}