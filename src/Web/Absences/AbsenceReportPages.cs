using System.Globalization;
using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.Absences;

/// <summary>
/// The school's views of its absences: the unjustified half-days per pupil of a class over a period (the school year so
/// far by default), a pupil's whole history, and the CSV of a period's absences for the school's spreadsheets.
/// </summary>
public static class AbsenceReportPages
{
    public const string Unjustified = "gestion/absences/non-justifiees";
    public const string Pupils = "gestion/absences/eleves";
    public const string Export = "gestion/absences/export.csv";

    public static void MapAbsenceReports(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/absences").RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("/non-justifiees", async (HttpContext context, AbsenceReports reports, PupilRegistry registry, NpgsqlDataSource db, TimeProvider clock) =>
        {
            var schoolId = context.School()!.Id;
            if (Period(context.Request.Query, clock) is not { } period)
            {
                return Results.BadRequest();
            }
            var classes = await registry.ClassesAsync(schoolId, context.RequestAborted);
            var className = context.Request.Query["Class"].ToString();
            if (className.Length > 0 && !classes.Contains(className))
            {
                return Results.NotFound();
            }
            var settings = await AbsenceSettings.ReadAsync(db, schoolId, context.RequestAborted);
            var absences = period.From <= period.To
                ? await reports.PeriodAsync(schoolId, period.From, period.To, className.Length > 0 ? className : null, context.RequestAborted)
                : [];
            return new RazorComponentResult<AbsenceUnjustifiedPage>(new
            {
                Classes = classes,
                ClassName = className,
                From = period.From,
                To = period.To,
                Pupils = AbsenceReports.Count(absences, settings),
                Settings = settings,
                Problem = period.From > period.To ? "Period.Reversed" : null,
            });
        });

        admin.MapGet("/eleves/{pupilId:guid}", async (Guid pupilId, HttpContext context, AbsenceReports reports, PupilRegistry registry, NpgsqlDataSource db) =>
        {
            var schoolId = context.School()!.Id;
            if (await registry.FindAsync(schoolId, pupilId, context.RequestAborted) is not { } pupil)
            {
                return Results.NotFound();
            }
            var absences = await reports.PupilAsync(schoolId, pupilId, context.RequestAborted);
            var settings = await AbsenceSettings.ReadAsync(db, schoolId, context.RequestAborted);
            return new RazorComponentResult<AbsencePupilPage>(new
            {
                Pupil = pupil,
                Absences = absences,
                Missed = HalfDays.Missed(absences.Select(a => a.Counted), settings),
            });
        });

        admin.MapGet("/export.csv", async (HttpContext context, AbsenceReports reports, PupilRegistry registry, TimeProvider clock,
            IStringLocalizer<AbsenceAdminText> A, IStringLocalizer<AbsenceText> T) =>
        {
            var schoolId = context.School()!.Id;
            var className = context.Request.Query["Class"].ToString();
            if (Period(context.Request.Query, clock) is not { } period || period.From > period.To)
            {
                return Results.BadRequest();
            }
            if (className.Length > 0 && !(await registry.ClassesAsync(schoolId, context.RequestAborted)).Contains(className))
            {
                return Results.NotFound();
            }
            var absences = await reports.PeriodAsync(schoolId, period.From, period.To, className.Length > 0 ? className : null, context.RequestAborted);
            await using (var csv = CsvExport.Start(context.Response, $"absences-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.csv"))
            {
                await csv.RowAsync(A["Csv.Class"], A["Csv.Matricule"], A["Csv.LastName"], A["Csv.FirstName"], A["Csv.Day"], A["Csv.Part"],
                    A["Csv.Periods"], A["Csv.Source"], A["Csv.ReasonCode"], A["Csv.Reason"], A["Csv.Justified"]);
                foreach (var absence in absences)
                {
                    await csv.RowAsync(absence.ClassName, absence.Matricule, absence.LastName, absence.FirstName, SchoolTime.Date(absence.Day),
                        // "6, 7" rather than "6,7", which a Belgian spreadsheet would read as the number 6.7.
                        T[$"Part.{absence.Part}"], absence.Periods is null ? "" : string.Join(", ", absence.Periods), AbsenceWords.Source(A, absence.Source),
                        absence.Reason?.Code, absence.Reason?.Label, absence.Justified ? A["Csv.Yes"] : A["Csv.No"]);
                }
            }
            return Results.Empty;
        });
    }

    /// <summary>The period asked (From and To, yyyy-MM-dd), by default the school year from September 1 to today; null for a date that is none.</summary>
    static (DateOnly From, DateOnly To)? Period(IQueryCollection query, TimeProvider clock)
    {
        var today = SchoolTime.Today(clock);
        var from = Date(query["From"], SchoolDays.SchoolYearStart(today));
        var to = Date(query["To"], today);
        return from is null || to is null ? null : (from.Value, to.Value);
    }

    static DateOnly? Date(string? value, DateOnly otherwise) =>
        string.IsNullOrEmpty(value) ? otherwise
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : null;
}