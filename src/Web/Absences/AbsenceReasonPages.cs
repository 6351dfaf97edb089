using System.Globalization;
using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.Absences;

/// <summary>
/// The school's reasons for absences and its settings: add, rename, justifying or not, reorder, delete while unused; the
/// days a family has to justify online, the meals an advance report releases, how a partial half-day counts.
/// </summary>
public static class AbsenceReasonPages
{
    public const string Root = "gestion/absences/motifs";

    public static void MapAbsenceReasons(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", (HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db) => PageAsync(context, reasons, db));

        admin.MapPost("", async (HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var (code, label) = (form["Code"].ToString().Trim().ToUpperInvariant(), form["Label"].ToString());
            return await reasons.AddAsync(context.School()!.Id, code, label, form["Justifying"] == "true", context.RequestAborted) is { } problem
                ? await PageAsync(context, reasons, db, $"Reason.{problem}", new NewReason(form["Code"].ToString(), label, form["Justifying"] == "true"))
                : Flash.Redirect(context, Root, "reason-added");
        });

        admin.MapPost("/{code}", async (string code, HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return await reasons.ChangeAsync(context.School()!.Id, code, form["Label"].ToString(), form["Justifying"] == "true", context.RequestAborted) switch
            {
                null => Flash.Redirect(context, Root, "reason-changed"),
                ReasonProblem.Unknown => Results.NotFound(),
                var problem => await PageAsync(context, reasons, db, $"Reason.{problem}"),
            };
        });

        admin.MapPost("/{code}/monter", (string code, HttpContext context, AbsenceReasons reasons) => MoveAsync(code, -1, context, reasons));
        admin.MapPost("/{code}/descendre", (string code, HttpContext context, AbsenceReasons reasons) => MoveAsync(code, 1, context, reasons));

        admin.MapPost("/{code}/suppression", async (string code, HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db) =>
            await reasons.DeleteAsync(context.School()!.Id, code, context.RequestAborted) switch
            {
                null => Flash.Redirect(context, Root, "reason-deleted"),
                ReasonProblem.Unknown => Results.NotFound(),
                var problem => await PageAsync(context, reasons, db, $"Reason.{problem}"),
            });

        admin.MapPost("/reglages", async (HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (!int.TryParse(form["JustifyWithinDays"], NumberStyles.None, CultureInfo.InvariantCulture, out var days)
                || days > AbsenceSettings.MaxJustifyWithinDays)
            {
                return await PageAsync(context, reasons, db, "Settings.Days");
            }
            await new AbsenceSettings(days, form["ReleaseAfterCutOff"] == "true", form["PartialCountsAsHalfDay"] == "true")
                .SaveAsync(db, context.School()!.Id, context.RequestAborted);
            return Flash.Redirect(context, Root, "settings-saved");
        });
    }

    static async Task<IResult> MoveAsync(string code, int step, HttpContext context, AbsenceReasons reasons) =>
        await reasons.MoveAsync(context.School()!.Id, code, step, context.RequestAborted) is null
            ? Flash.Redirect(context, Root, "reason-moved")
            : Results.NotFound();

    static async Task<IResult> PageAsync(HttpContext context, AbsenceReasons reasons, NpgsqlDataSource db, string? problem = null, NewReason? entered = null)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<AbsenceReasonsPage>(new
        {
            Reasons = await reasons.ListAsync(schoolId, context.RequestAborted),
            Settings = await AbsenceSettings.ReadAsync(db, schoolId, context.RequestAborted),
            Problem = problem,
            Entered = entered ?? new NewReason("", "", true),
        });
    }
}

/// <summary>What the manager typed in the "new reason" form, given back with the message when it is refused.</summary>
public sealed record NewReason(string Code, string Label, bool Justifying);