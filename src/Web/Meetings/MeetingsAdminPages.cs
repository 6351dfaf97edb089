using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.Meetings;

/// <summary>The school's meeting evenings: the list, a new evening (teachers, classes, rooms, window, limits), and every grid of one.</summary>
public static class MeetingsAdminPages
{
    static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    public static void MapMeetingsAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/reunions").RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, MeetingEvenings evenings, NpgsqlDataSource db) =>
            new RazorComponentResult<MeetingsAdminPage>(new { Data = await ModelAsync(context, evenings, db, [], null) }));

        admin.MapPost("", async (HttpContext context, MeetingEvenings evenings, NpgsqlDataSource db, TimeProvider clock,
            IStringLocalizer<MeetingText> M) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var teachers = await evenings.TeachersAsync(schoolId, context.RequestAborted);
            var (evening, problems) = Parse(form, schoolId, teachers, M);
            if (evening is null)
            {
                return (IResult)new RazorComponentResult<MeetingsAdminPage>(new { Data = await ModelAsync(context, evenings, db, problems, form) });
            }
            await evenings.CreateAsync(evening, clock.GetUtcNow(), context.RequestAborted);
            return Results.Redirect($"{context.Request.PathBase}/gestion/reunions/{evening.Id}");
        });

        admin.MapGet("/{evening:guid}", async (Guid evening, HttpContext context, MeetingEvenings evenings, IGrainFactory grains) =>
        {
            if (await evenings.FindAsync(context.School()!.Id, evening, context.RequestAborted) is not { } found)
            {
                return (IResult)Results.NotFound();
            }
            var grids = new List<(MeetingTeacher, TimetableGrid, IReadOnlyList<AppointmentLine>)>();
            var lines = await evenings.LinesAsync(found.SchoolId, evening, cancellationToken: context.RequestAborted);
            foreach (var teacher in found.Teachers)
            {
                grids.Add((teacher, await grains.Timetable(evening, teacher.TeacherId).GetGridAsync(),
                    lines.Where(l => l.TeacherId == teacher.TeacherId).ToList()));
            }
            return new RazorComponentResult<EveningOverviewPage>(new { Evening = found, Grids = grids });
        });
    }

    static async Task<MeetingsAdminPage.Model> ModelAsync(HttpContext context, MeetingEvenings evenings, NpgsqlDataSource db,
        IReadOnlyList<string> problems, IFormCollection? form)
    {
        var schoolId = context.School()!.Id;
        return new MeetingsAdminPage.Model(
            await evenings.ListAsync(schoolId, context.RequestAborted),
            await evenings.TeachersAsync(schoolId, context.RequestAborted),
            await new PupilRegistry(db).ClassesAsync(schoolId, context.RequestAborted),
            problems,
            form?.ToDictionary(f => f.Key, f => f.Value.ToString()) ?? []);
    }

    /// <summary>The form as an evening, or what is wrong with it (every problem at once, nothing created).</summary>
    static (MeetingEvening? Evening, List<string> Problems) Parse(IFormCollection form, Guid schoolId,
        IReadOnlyList<(Guid Id, string Name)> schoolTeachers, IStringLocalizer<MeetingText> M)
    {
        var problems = new List<string>();
        var name = form["Name"].ToString().Trim();
        if (name.Length is 0 or > 120)
        {
            problems.Add(M["Admin.Problem.Name"]);
        }
        var dayOk = DateOnly.TryParseExact(form["Day"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
        var startsOk = TimeOnly.TryParseExact(form["Starts"], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var starts);
        var endsOk = TimeOnly.TryParseExact(form["Ends"], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var ends);
        var slotOk = int.TryParse(form["SlotMinutes"], out var slotMinutes) && slotMinutes is >= 5 and <= 60;
        if (!dayOk || !startsOk || !endsOk || ends <= starts)
        {
            problems.Add(M["Admin.Problem.Times"]);
        }
        if (!slotOk)
        {
            problems.Add(M["Admin.Problem.SlotMinutes"]);
        }
        else if (startsOk && endsOk && ends > starts && (ends - starts).TotalMinutes < slotMinutes)
        {
            problems.Add(M["Admin.Problem.Times"]);
        }
        var opens = Moment(form["OpensAt"]);
        var closes = Moment(form["ClosesAt"]);
        if (opens is null || closes is null || closes <= opens)
        {
            problems.Add(M["Admin.Problem.Window"]);
        }
        int? maxPerPupil = null;
        if (!string.IsNullOrWhiteSpace(form["MaxPerPupil"]))
        {
            if (int.TryParse(form["MaxPerPupil"], out var max) && max is > 0 and <= 50)
            {
                maxPerPupil = max;
            }
            else
            {
                problems.Add(M["Admin.Problem.Limits"]);
            }
        }
        if (!int.TryParse(form["MaxPerParentPerTeacher"], out var perTeacher) || perTeacher is <= 0 or > 10)
        {
            problems.Add(M["Admin.Problem.Limits"]);
        }
        var teachers = new List<MeetingTeacher>();
        foreach (var chosen in form["Teacher"])
        {
            // Only the school's own teachers: a forged id is simply not one of them.
            if (!Guid.TryParse(chosen, out var id) || schoolTeachers.FirstOrDefault(t => t.Id == id) is not { Name: { } teacherName })
            {
                problems.Add(M["Admin.Problem.Teacher"]);
                continue;
            }
            var classes = form[$"Classes-{id}"].ToString().Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => c.ToUpperInvariant()).Distinct().ToList();
            if (classes.Count == 0)
            {
                problems.Add(M["Admin.Problem.Classes", teacherName]);
            }
            var room = form[$"Room-{id}"].ToString().Trim();
            teachers.Add(new MeetingTeacher(id, teacherName, room.Length == 0 ? null : room[..Math.Min(room.Length, 40)], classes));
        }
        if (teachers.Count == 0)
        {
            problems.Add(M["Admin.Problem.NoTeacher"]);
        }
        if (problems.Count > 0)
        {
            return (null, problems.Distinct().ToList());
        }
        return (new MeetingEvening(Guid.CreateVersion7(), schoolId, name, day, starts, ends, slotMinutes, opens!.Value, closes!.Value,
            maxPerPupil, perTeacher, form["GapBetween"].ToString() is "on" or "true", teachers), problems);
    }

    /// <summary>A datetime-local field, read as Brussels time.</summary>
    static DateTimeOffset? Moment(string? value)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        return new DateTimeOffset(local, Brussels.GetUtcOffset(local));
    }
}