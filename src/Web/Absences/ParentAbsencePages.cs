using System.Globalization;
using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ItSchool.Web.Absences;

/// <summary>
/// The family's side, for the open child: its absences (each with what is left to do), justifying one or several of them
/// online (a reason of the school's list, a comment, perhaps a scanned certificate) within the school's deadline, and
/// reporting an absence ahead, which releases the meals booked those days. No child open sends the parent to choose one;
/// an absence or a justification of another child answers 404 and changes nothing.
/// </summary>
public static class ParentAbsencePages
{
    // Room for the fields and the multipart framing beyond the certificate itself.
    const long FormOverheadBytes = 64 * 1024;

    public sealed record Services(GuardianLinks Pupils, AbsenceRegister Register, AbsenceJustifications Justifications, AdvanceReports Reports,
        AbsenceMealRelease Meals, Npgsql.NpgsqlDataSource Db, TimeProvider Clock);

    public static void MapParentAbsences(this RouteGroupBuilder school)
    {
        var absences = school.MapGroup("/absences").RequireAuthorization(nameof(Role.Parent));

        absences.MapGet("", async (HttpContext context, [AsParameters] Services services) =>
            await context.OpenChildAsync(services.Pupils) is { } child
                ? new RazorComponentResult<ParentAbsencesPage>(new
                {
                    Child = child,
                    Absences = await services.Register.ForPupilAsync(child.SchoolId, child.Id, context.RequestAborted),
                    Settings = await AbsenceSettings.ReadAsync(services.Db, child.SchoolId, context.RequestAborted),
                    Today = SchoolTime.Today(services.Clock),
                })
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        absences.MapGet("/justifier", async (HttpContext context, [AsParameters] Services services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            Guid.TryParse(context.Request.Query["Absence"], out var chosen);
            var form = await JustifyFormAsync(context, services, child, [chosen], "", "", Guid.NewGuid(), null);
            return form.Open.Any(a => a.Id == chosen) ? Page(form) : Results.NotFound();
        });

        absences.MapPost("/justifier", async (HttpContext context, [AsParameters] Services services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.NotFound();
            }
            if (context.Request.ContentLength > JustificationScan.MaxBytes + FormOverheadBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = JustificationScan.MaxBytes + FormOverheadBytes;
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var ids = posted["Absence"].Select(v => Guid.TryParse(v, out var id) ? id : Guid.Empty).ToList();
            var (reason, comment) = (posted["Reason"].ToString(), posted["Comment"].ToString().Trim());
            if (!Guid.TryParse(posted["Key"], out var key))
            {
                return Results.BadRequest();
            }
            var (scan, scanProblem) = await ScanAsync(posted.Files.GetFile("Scan"), context.RequestAborted);
            if (scanProblem is not null)
            {
                return Page(await JustifyFormAsync(context, services, child, ids, reason, comment, key, scanProblem,
                    (JustificationScan.MaxBytes / (1024 * 1024)).ToString(CultureInfo.CurrentCulture)));
            }
            var user = SignedInUser.From(context.User)!;
            var result = await services.Justifications.JustifyAsync(
                new JustificationRequest(child.SchoolId, child.Id, ids, reason, comment, scan, user.Id, key), services.Clock.GetUtcNow(), context.RequestAborted);
            return result.Refusal switch
            {
                null => Flash.Redirect(context, "absences", "justified", ids.Count),
                // A forged or foreign absence is 404; an absence justified meanwhile (by the other guardian) is said.
                JustifyRefusal.UnknownAbsence when ids.Count > 0 => Results.NotFound(),
                var refusal => Page(await JustifyFormAsync(context, services, child, ids, reason, comment, key, $"Refusal.{refusal}",
                    result.Deadline is { } deadline ? AbsenceDates.Day(deadline) : null)),
            };
        });

        absences.MapGet("/signaler", async (HttpContext context, [AsParameters] Services services) =>
            await context.OpenChildAsync(services.Pupils) is { } child
                ? Page(await ReportFormAsync(context, services, child, null, Guid.NewGuid(), null))
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        absences.MapPost("/signaler", async (HttpContext context, [AsParameters] Services services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            if (!Guid.TryParse(posted["Key"], out var key))
            {
                return Results.BadRequest();
            }
            var from = Day(posted["From"]);
            var to = posted["To"].ToString().Length == 0 ? from : Day(posted["To"]);
            var part = posted["Part"].ToString() switch { "morning" => AbsencePart.Morning, "afternoon" => AbsencePart.Afternoon, _ => AbsencePart.Day };
            var typed = new ReportTyped(posted["From"].ToString(), posted["To"].ToString(), part, posted["Reason"].ToString(), posted["Comment"].ToString().Trim());
            if (from is null || to is null)
            {
                return Page(await ReportFormAsync(context, services, child, typed, key, "Refusal.NoDate"));
            }
            var user = SignedInUser.From(context.User)!;
            var now = services.Clock.GetUtcNow();
            var result = await services.Reports.ReportAsync(new AdvanceReport(child.SchoolId, child.Id, from.Value, to.Value, part, typed.Reason, typed.Comment,
                user.Id, user.DisplayName, key), now, context.RequestAborted);
            if (result.Refusal is { } refusal)
            {
                return refusal == ReportRefusal.UnknownPupil ? Results.NotFound()
                    : Page(await ReportFormAsync(context, services, child, typed, key, $"Report.Refusal.{refusal}"));
            }
            // The report stands once written; its meals are released now, or by the job if the purse cannot answer yet.
            var refunded = await services.Meals.ReleaseAsync(result.JustificationId!.Value, now, context.RequestAborted);
            return Flash.Redirect(context, "absences", refunded > 0 ? "reported-meals" : "reported", result.Days.Count, refunded);
        });

        absences.MapGet("/justificatifs/{id:guid}", async (Guid id, HttpContext context, [AsParameters] Services services) =>
            await context.OpenChildAsync(services.Pupils) is { } child
            && await services.Justifications.ScanAsync(child.SchoolId, id, child.Id, context.RequestAborted) is { } scan
                ? Download(context, scan)
                : Results.NotFound());
    }

    /// <summary>
    /// A certificate as sent, as the type its first bytes proved: a download, like the school's documents, never opened inside
    /// the school's pages, where a family's hostile file could act as the site.
    /// </summary>
    public static IResult Download(HttpContext context, JustificationScan scan)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "private, no-store";
        return Results.File(scan.Content, scan.ContentType, scan.FileName);
    }

    static async Task<(JustificationScan? Scan, string? Problem)> ScanAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, null);
        }
        if (file.Length > JustificationScan.MaxBytes)
        {
            return (null, "Refusal.ScanTooLarge");
        }
        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        var name = DocumentKinds.CleanName(file.FileName);
        return DocumentKinds.Sniff(content, name) is { } type && JustificationScan.ContentTypes.Contains(type)
            ? (new JustificationScan(name, type, content), null)
            : (null, "Refusal.ScanWrongType");
    }

    static IResult Page(JustifyForm form) => new RazorComponentResult<JustifyAbsencePage>(new { Form = form });

    static IResult Page(ReportForm form) => new RazorComponentResult<ReportAbsencePage>(new { Form = form });

    /// <summary>The justification form: the child's absences still open to justifying (those chosen ticked), the school's reasons, what was typed.</summary>
    public sealed record JustifyForm(Pupil Child, IReadOnlyList<Absence> Open, IReadOnlySet<Guid> Chosen, IReadOnlyList<AbsenceReason> Reasons,
        AbsenceSettings Settings, string Reason, string Comment, Guid Key, string? Problem, string? ProblemArgument);

    static async Task<JustifyForm> JustifyFormAsync(HttpContext context, Services services, Pupil child, IEnumerable<Guid> chosen, string reason,
        string comment, Guid key, string? problem, string? problemArgument = null)
    {
        var settings = await AbsenceSettings.ReadAsync(services.Db, child.SchoolId, context.RequestAborted);
        var today = SchoolTime.Today(services.Clock);
        var open = (await services.Register.ForPupilAsync(child.SchoolId, child.Id, context.RequestAborted))
            .Where(a => settings.OpenToJustify(a, today)).Reverse().ToList();
        var reasons = await services.Register.ReasonsAsync(child.SchoolId, context.RequestAborted);
        return new JustifyForm(child, open, chosen.ToHashSet(), reasons, settings, reason, comment, key, problem, problemArgument);
    }

    /// <summary>What the parent typed in the report form, shown back when it is refused.</summary>
    public sealed record ReportTyped(string From, string To, AbsencePart Part, string Reason, string Comment);

    public sealed record ReportForm(Pupil Child, IReadOnlyList<AbsenceReason> Reasons, ReportTyped Typed, DateOnly Today, bool Meals, AbsenceSettings Settings,
        Guid Key, string? Problem);

    static async Task<ReportForm> ReportFormAsync(HttpContext context, Services services, Pupil child, ReportTyped? typed, Guid key, string? problem)
    {
        var today = SchoolTime.Today(services.Clock);
        var tomorrow = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var meals = (await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(child.SchoolId).GetEnabledModulesAsync())
            .Contains(SchoolModule.Meals);
        return new ReportForm(child, await services.Register.ReasonsAsync(child.SchoolId, context.RequestAborted),
            typed ?? new ReportTyped(tomorrow, tomorrow, AbsencePart.Day, "", ""), today, meals,
            await AbsenceSettings.ReadAsync(services.Db, child.SchoolId, context.RequestAborted), key, problem);
    }

    static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var db = reader.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var settings = await AbsenceSettings.ReadAsync(db, reader.SchoolId, reader.Aborted);
        var today = SchoolTime.Today(reader.Services.GetRequiredService<TimeProvider>());
        var open = (await reader.Services.GetRequiredService<AbsenceRegister>().ForPupilAsync(reader.SchoolId, child.Id, reader.Aborted))
            .Where(a => settings.OpenToJustify(a, today)).Reverse().ToList();
        return open.Count == 0 ? [] : [DashboardCard.Of<AbsenceDashboardCard>(12, new { Child = child, Open = open, Settings = settings })];
    }
}