using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The evening's appointments as PDF: one teacher's list (for that teacher or the school, like the printable
/// page) and the whole evening, a section per teacher, for the school.
/// </summary>
public static partial class MeetingPdfPages
{
    public static void MapMeetingPdfs(this RouteGroupBuilder school)
    {
        school.MapGet("/reunions/{evening:guid}/grilles/{teacher:guid}/liste.pdf", async (Guid evening, Guid teacher, HttpContext context,
            MeetingEvenings evenings, IGrainFactory grains, TimeProvider clock, IStringLocalizer<MeetingText> M) =>
        {
            if (await StaffMeetingPages.ResolveAsync(context, evenings, evening, teacher) is not { } found)
            {
                return Results.NotFound();
            }
            var list = new AppointmentListPdf.TeacherList(found.Teacher, await grains.Timetable(evening, teacher).GetGridAsync(),
                await evenings.LinesAsync(found.Evening.SchoolId, evening, teacher, cancellationToken: context.RequestAborted));
            return Pdf(context, found.Evening, [list], clock, M, $"rendez-vous-{FileName(found.Evening.Name)}-{FileName(found.Teacher.Name)}.pdf");
        }).RequireAuthorization(policy => policy.RequireRole(nameof(Role.Teacher), nameof(Role.Manager)));

        school.MapGet("/gestion/reunions/{evening:guid}/rendez-vous.pdf", async (Guid evening, HttpContext context, MeetingEvenings evenings,
            IGrainFactory grains, TimeProvider clock, IStringLocalizer<MeetingText> M) =>
        {
            if (await evenings.FindAsync(context.School()!.Id, evening, context.RequestAborted) is not { } found)
            {
                return Results.NotFound();
            }
            var lines = await evenings.LinesAsync(found.SchoolId, evening, cancellationToken: context.RequestAborted);
            var lists = new List<AppointmentListPdf.TeacherList>();
            foreach (var teacher in found.Teachers)
            {
                lists.Add(new(teacher, await grains.Timetable(evening, teacher.TeacherId).GetGridAsync(),
                    lines.Where(l => l.TeacherId == teacher.TeacherId).ToList()));
            }
            return Pdf(context, found, lists, clock, M, $"rendez-vous-{FileName(found.Name)}.pdf");
        }).RequireAuthorization(nameof(Role.Manager));
    }

    static IResult Pdf(HttpContext context, MeetingEvening evening, IReadOnlyList<AppointmentListPdf.TeacherList> lists, TimeProvider clock,
        IStringLocalizer<MeetingText> M, string fileName) =>
        Results.File(AppointmentListPdf.Render(context.School()!.Name, evening, lists, clock.GetUtcNow(), M), "application/pdf", fileName);

    /// <summary>"Réunion de parents du printemps" → "reunion-de-parents-du-printemps": safe in any browser and file system.</summary>
    internal static string FileName(string name) =>
        NotLetterOrDigit().Replace(PdfFonts.Unaccented(name).ToLowerInvariant(), "-").Trim('-') is { Length: > 0 } safe ? safe : "reunion";

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotLetterOrDigit();
}