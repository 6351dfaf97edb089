using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Work;
using ItSchool.Work;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The school's meeting evenings: the list, a new evening (dates, teachers, classes, rooms, window, limits),
/// every grid of one, and changing or deleting it. A change never moves an appointment; deleting an evening
/// cancels its appointments and tells the parents.
/// </summary>
public static class MeetingsAdminPages
{
    public const int MaxRoomLength = 40;


    public static void MapMeetingsAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/reunions").RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, MeetingEvenings evenings, PupilRegistry registry) =>
            new RazorComponentResult<MeetingsAdminPage>(new { Data = await ModelAsync(context, evenings, registry, [], null) }));

        admin.MapPost("", async (HttpContext context, MeetingEvenings evenings, PupilRegistry registry, TimeProvider clock,
            IStringLocalizer<MeetingText> M) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var teachers = await evenings.TeachersAsync(schoolId, context.RequestAborted);
            var (evening, problems) = Parse(form, Guid.CreateVersion7(), schoolId, teachers,
                await registry.ListAsync(schoolId, cancellationToken: context.RequestAborted), M);
            if (evening is null)
            {
                return (IResult)new RazorComponentResult<MeetingsAdminPage>(new { Data = await ModelAsync(context, evenings, registry, problems, form) });
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

        admin.MapGet("/{evening:guid}/modifier", async (Guid evening, HttpContext context, MeetingEvenings evenings, PupilRegistry registry) =>
            await evenings.FindAsync(context.School()!.Id, evening, context.RequestAborted) is { } found
                ? await EditPageAsync(context, evenings, registry, found,
                    EveningForm.FieldsOf(found, await registry.ListAsync(found.SchoolId, cancellationToken: context.RequestAborted)), [])
                : Results.NotFound());

        admin.MapPost("/{evening:guid}/modifier", async (Guid evening, HttpContext context, MeetingEvenings evenings, PupilRegistry registry,
            IGrainFactory grains, TimeProvider clock, IStringLocalizer<MeetingText> M) =>
        {
            var schoolId = context.School()!.Id;
            if (await evenings.FindAsync(schoolId, evening, context.RequestAborted) is not { } found)
            {
                return Results.NotFound();
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var typed = form.ToDictionary(f => f.Key, f => f.Value.ToString());
            var (changed, problems) = Parse(form, evening, schoolId, await evenings.TeachersAsync(schoolId, context.RequestAborted),
                await registry.ListAsync(schoolId, cancellationToken: context.RequestAborted), M);
            if (changed is null)
            {
                return await EditPageAsync(context, evenings, registry, found, typed, problems);
            }
            var change = await evenings.UpdateAsync(changed, clock.GetUtcNow(), context.RequestAborted);
            switch (change.Outcome)
            {
                case EveningChangeOutcome.NotFound:
                    return Results.NotFound();
                case EveningChangeOutcome.TeacherHasAppointments:
                    return await EditPageAsync(context, evenings, registry, found, typed,
                        [M["Admin.Problem.TeacherHasAppointments", change.TeacherName ?? "", change.Appointments]]);
                case EveningChangeOutcome.AppointmentsWouldMove:
                    return await EditPageAsync(context, evenings, registry, found, typed, [M["Admin.Problem.AppointmentsWouldMove", change.Appointments]]);
            }
            await RefreshGridsAsync(grains, evening, change.Before!.Teachers.Concat(changed.Teachers));
            return Flash.Redirect(context, $"gestion/reunions/{evening}", "meeting-changed");
        });

        admin.MapGet("/{evening:guid}/supprimer", async (Guid evening, HttpContext context, MeetingEvenings evenings) =>
            await evenings.FindAsync(context.School()!.Id, evening, context.RequestAborted) is { } found
                ? new RazorComponentResult<DeleteEveningPage>(new
                {
                    Evening = found,
                    Appointments = (await evenings.LinesAsync(found.SchoolId, evening, cancellationToken: context.RequestAborted)).Count,
                })
                : Results.NotFound());

        // The families' mails are queued in the deletion's transaction, and sent as background work (a popular evening
        // has hundreds of appointments): its page ends on the evenings' list.
        admin.MapPost("/{evening:guid}/supprimer", async (Guid evening, HttpContext context, MeetingEvenings evenings, IGrainFactory grains,
            WorkItems work, BackgroundWork background) =>
        {
            var school = context.School()!;
            var by = SignedInUser.From(context.User)!.DisplayName;
            Guid? telling = null;
            if (await evenings.DeleteAsync(school.Id, evening, async (deleted, cancelled, connection, transaction) =>
                {
                    if (cancelled.Count > 0)
                    {
                        telling = await work.QueueAsync(connection, transaction, school.Id, EveningMailsWork.Name, evening.ToString(),
                            new EveningMailsWork.Arguments(deleted, school.Name, cancelled), by, context.RequestAborted);
                    }
                }, context.RequestAborted) is not var (deleted, _))
            {
                return Results.NotFound();
            }
            await RefreshGridsAsync(grains, evening, deleted.Teachers);
            return telling is { } id ? await WorkPages.FollowAsync(context, background, id) : Flash.Redirect(context, "gestion/reunions", "meeting-deleted", 0);
        });
    }

    /// <summary>The timetables read the evening again: open grids show the new one, and a removed teacher's grid closes.</summary>
    static Task RefreshGridsAsync(IGrainFactory grains, Guid eveningId, IEnumerable<MeetingTeacher> teachers) =>
        Task.WhenAll(teachers.Select(t => t.TeacherId).Distinct().Select(t => grains.Timetable(eveningId, t).EveningChangedAsync()));

    static async Task<IResult> EditPageAsync(HttpContext context, MeetingEvenings evenings, PupilRegistry registry, MeetingEvening evening,
        IReadOnlyDictionary<string, string> form, IReadOnlyList<string> problems) =>
        new RazorComponentResult<EditEveningPage>(new
        {
            Evening = evening,
            Teachers = await evenings.TeachersAsync(evening.SchoolId, context.RequestAborted),
            Classes = await registry.ClassesAsync(evening.SchoolId, context.RequestAborted),
            Form = form,
            Problems = problems,
        });

    static async Task<MeetingsAdminPage.Model> ModelAsync(HttpContext context, MeetingEvenings evenings, PupilRegistry registry,
        IReadOnlyList<string> problems, IFormCollection? form)
    {
        var schoolId = context.School()!.Id;
        return new MeetingsAdminPage.Model(
            await evenings.ListAsync(schoolId, context.RequestAborted),
            await evenings.TeachersAsync(schoolId, context.RequestAborted),
            await registry.ClassesAsync(schoolId, context.RequestAborted),
            problems,
            form?.ToDictionary(f => f.Key, f => f.Value.ToString()) ?? []);
    }

    /// <summary>The form as an evening, or what is wrong with it (every problem at once, nothing created or changed).</summary>
    static (MeetingEvening? Evening, List<string> Problems) Parse(IFormCollection form, Guid eveningId, Guid schoolId,
        IReadOnlyList<(Guid Id, string Name)> schoolTeachers, IReadOnlyList<RegisteredPupil> schoolPupils, IStringLocalizer<MeetingText> M)
    {
        var problems = new List<string>();
        var name = form["Name"].ToString().Trim();
        if (name.Length is 0 or > 120)
        {
            problems.Add(M["Admin.Problem.Name"]);
        }
        var days = new SortedSet<DateOnly>();
        var dayOk = true;
        foreach (var typed in form["Day"].Where(d => !string.IsNullOrWhiteSpace(d)))
        {
            if (DateOnly.TryParseExact(typed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
            else
            {
                dayOk = false;
            }
        }
        if (days.Count > MeetingEvening.MaxDays)
        {
            problems.Add(M["Admin.Problem.Days", MeetingEvening.MaxDays]);
        }
        dayOk &= days.Count > 0;
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
        var schoolClasses = schoolPupils.Select(p => p.ClassName.ToUpperInvariant()).ToHashSet();
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
            var unknownClasses = classes.Where(c => !schoolClasses.Contains(c)).ToList();
            if (unknownClasses.Count > 0)
            {
                problems.Add(M["Admin.Problem.UnknownClass", string.Join(", ", unknownClasses), teacherName]);
            }
            var (pupils, unknown, ambiguous) = ChosenPupils.Resolve(form[$"Pupils-{id}"].ToString(), schoolPupils);
            problems.AddRange(unknown.Select(line => M["Admin.Problem.UnknownPupil", line, teacherName].Value));
            problems.AddRange(ambiguous.Select(line => M["Admin.Problem.AmbiguousPupil", line, teacherName].Value));
            if (classes.Count == 0 && pupils.Count == 0 && unknown.Count + ambiguous.Count == 0)
            {
                problems.Add(M["Admin.Problem.Classes", teacherName]);
            }
            var room = form[$"Room-{id}"].ToString().Trim();
            if (room.Length > MaxRoomLength)
            {
                problems.Add(M["Admin.Problem.Room", teacherName, MaxRoomLength]);
            }
            teachers.Add(new MeetingTeacher(id, teacherName, room.Length == 0 ? null : room, classes, pupils));
        }
        if (teachers.Count == 0)
        {
            problems.Add(M["Admin.Problem.NoTeacher"]);
        }
        if (problems.Count > 0)
        {
            return (null, problems.Distinct().ToList());
        }
        return (new MeetingEvening(eveningId, schoolId, name, days.ToList(), starts, ends, slotMinutes, opens!.Value, closes!.Value,
            maxPerPupil, perTeacher, form["GapBetween"].ToString() is "on" or "true", teachers), problems);
    }

    /// <summary>A datetime-local field, read as Brussels time.</summary>
    static DateTimeOffset? Moment(string? value)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }
        return SchoolTime.Moment(local);
    }
}