using System.Text;
using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Platform;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Absences;

/// <summary>
/// The absences' import: upload the school software's CSV, see what it would do (or its errors, by line), confirm. The
/// file's text travels from the preview to the confirmation in a hidden field and is planned again when applied.
/// </summary>
public static class AbsenceImportPages
{
    public const string Root = "gestion/absences/import";

    /// <summary>The example offered for download and shown in the README.</summary>
    public const string Example = """
        matricule;date;moment;periodes;motif;id_ligne
        20250101;2026-11-16;matin;;MALADIE;A-1001
        20250101;17/11/2026;journée;;;A-1002
        20250102;2026-11-16;après-midi;6-7;;A-1003
        """;

    public static void MapAbsenceImport(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", () => new RazorComponentResult<AbsenceImportPage>());

        // With a byte order mark, so that Excel opens the accents as UTF-8.
        admin.MapGet("/exemple.csv", () =>
            Results.File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Example.ReplaceLineEndings("\r\n") + "\r\n")],
                "text/csv; charset=utf-8", "import-absences.csv"));

        // The form is read here rather than bound: a bound file makes routing answer 415 to another body before the
        // school's module gate has said 404.
        admin.MapPost("", async (HttpContext context, AbsenceImport import) =>
        {
            var file = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted)).Files["fichier"] : null;
            if (file is null || file.Length == 0)
            {
                return new RazorComponentResult<AbsenceImportPage>(new { Problem = "Import.NoFile" });
            }
            if (file.Length > AbsenceImport.MaxBytes)
            {
                return new RazorComponentResult<AbsenceImportPage>(new { Problem = "Import.Problem.TooLarge" });
            }
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes, context.RequestAborted);
            if (CsvText.Decode(bytes.ToArray()) is not { } text)
            {
                return new RazorComponentResult<AbsenceImportPage>(new { Problem = "Import.Unreadable" });
            }
            var plan = await import.PlanAsync(context.School()!.Id, text, context.RequestAborted);
            return new RazorComponentResult<AbsenceImportPage>(new { Plan = plan, Content = text, FileName = file.FileName });
        });

        // The same file twice changes nothing, so a confirmation sent again (a reload) is harmless.
        admin.MapPost("/confirmer", async (HttpContext context, AbsenceImport import) =>
        {
            var content = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted))["Content"].ToString() : "";
            var plan = await import.ApplyAsync(context.School()!.Id, content, SignedInUser.From(context.User)!.DisplayName, context.RequestAborted);
            return new RazorComponentResult<AbsenceImportPage>(new { Plan = plan, Content = content, Applied = plan.IsValid });
        });
    }
}