using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

/// <summary>
/// A teacher's grid as the teacher (their own only) and the school (every teacher's) see it: names, breaks,
/// the printable list; the school also books, moves and cancels on a parent's behalf. Every change still goes
/// through the parent's agenda, so the rules across teachers hold whoever clicks.
/// </summary>
public static class StaffMeetingPages
{
    public static void MapStaffMeetings(this RouteGroupBuilder school)
    {
        school.MapGet("/reunions/mes-grilles", async (HttpContext context, MeetingEvenings evenings) =>
        {
            var user = SignedInUser.From(context.User)!;
            var mine = (await evenings.ListAsync(user.SchoolId, context.RequestAborted)).Where(e => e.Teacher(user.Id) is not null).ToList();
            return new RazorComponentResult<TeacherEveningsPage>(new { TeacherId = user.Id, Evenings = mine });
        }).RequireAuthorization(policy => policy.RequireRole(nameof(Role.Teacher)));

        var grid = school.MapGroup("/reunions/{evening:guid}/grilles/{teacher:guid}")
            .RequireAuthorization(policy => policy.RequireRole(nameof(Role.Teacher), nameof(Role.Manager)));

        grid.MapGet("", async (Guid evening, Guid teacher, HttpContext context, MeetingEvenings evenings, IGrainFactory grains) =>
        {
            if (await ResolveAsync(context, evenings, evening, teacher) is not { } found)
            {
                return (IResult)Results.NotFound();
            }
            var manager = SignedInUser.From(context.User)!.Role == Role.Manager;
            return new RazorComponentResult<StaffGridPage>(new
            {
                found.Evening,
                found.Teacher,
                Grid = await grains.Timetable(evening, teacher).GetGridAsync(),
                Lines = await evenings.LinesAsync(found.Evening.SchoolId, evening, teacher, cancellationToken: context.RequestAborted),
                Families = manager ? await evenings.FamiliesAsync(found.Evening.SchoolId, found.Teacher, context.RequestAborted) : [],
                CanBook = manager,
            });
        });

        grid.MapGet("/liste", async (Guid evening, Guid teacher, HttpContext context, MeetingEvenings evenings, IGrainFactory grains) =>
            await ResolveAsync(context, evenings, evening, teacher) is { } found
                ? new RazorComponentResult<PrintableListPage>(new
                {
                    found.Evening,
                    found.Teacher,
                    Grid = await grains.Timetable(evening, teacher).GetGridAsync(),
                    Lines = await evenings.LinesAsync(found.Evening.SchoolId, evening, teacher, cancellationToken: context.RequestAborted),
                })
                : Results.NotFound());

        grid.MapPost("/reserver", async (Guid evening, Guid teacher, HttpContext context, [FromForm] StaffForm form,
            [AsParameters] StaffServices services) =>
        {
            if (await ResolveAsync(context, services.Evenings, evening, teacher) is not { } found)
            {
                return Results.NotFound();
            }
            var slot = MeetingAnswers.Slot(form.Slot);
            if (SignedInUser.From(context.User)!.Role != Role.Manager || Family(form.Family) is not var (parent, pupil))
            {
                return await AnswerAsync(context, services, found, await services.Grains.Timetable(evening, teacher).GetGridAsync(),
                    services.M["Staff.ChooseFamily"], problem: true);
            }
            var result = await services.Grains.Agenda(evening, parent).BookAsync(teacher, pupil, slot, byStaff: true);
            return await FinishAsync(context, services, found, result, services.M["Done.BookedFor", MeetingAnswers.Time(found.Evening, slot)],
                new MeetingChange(MeetingChangeKind.Booked, found.Evening, found.Teacher, parent, pupil, slot, ByStaff: true));
        });

        grid.MapPost("/deplacer", async (Guid evening, Guid teacher, HttpContext context, [FromForm] StaffForm form,
            [AsParameters] StaffServices services) =>
        {
            if (await ResolveAsync(context, services.Evenings, evening, teacher) is not { } found)
            {
                return Results.NotFound();
            }
            var (from, to) = (MeetingAnswers.Slot(form.From), MeetingAnswers.Slot(form.To));
            var (grid, holder) = await HolderAsync(services, evening, teacher, from);
            if (holder is not var (parent, pupil))
            {
                return await NobodyThereAsync(context, services, found, grid);
            }
            var result = await services.Grains.Agenda(evening, parent).MoveAsync(teacher, from, to, byStaff: true);
            return await FinishAsync(context, services, found, result,
                services.M["Done.Moved", MeetingAnswers.Time(found.Evening, from), MeetingAnswers.Time(found.Evening, Math.Max(0, to))],
                new MeetingChange(MeetingChangeKind.Moved, found.Evening, found.Teacher, parent, pupil, to, from, ByStaff: true));
        });

        grid.MapPost("/annuler", async (Guid evening, Guid teacher, HttpContext context, [FromForm] StaffForm form,
            [AsParameters] StaffServices services) =>
        {
            if (await ResolveAsync(context, services.Evenings, evening, teacher) is not { } found)
            {
                return Results.NotFound();
            }
            var slot = MeetingAnswers.Slot(form.Slot);
            var (grid, holder) = await HolderAsync(services, evening, teacher, slot);
            if (holder is not var (parent, pupil))
            {
                return await NobodyThereAsync(context, services, found, grid);
            }
            var result = await services.Grains.Agenda(evening, parent).CancelAsync(teacher, slot, byStaff: true);
            return await FinishAsync(context, services, found, result, services.M["Done.CancelledForParent", MeetingAnswers.Time(found.Evening, slot)],
                new MeetingChange(MeetingChangeKind.Cancelled, found.Evening, found.Teacher, parent, pupil, slot, ByStaff: true));
        });

        grid.MapPost("/pause", async (Guid evening, Guid teacher, HttpContext context, [FromForm] StaffForm form,
            [AsParameters] StaffServices services) =>
        {
            if (await ResolveAsync(context, services.Evenings, evening, teacher) is not { } found)
            {
                return Results.NotFound();
            }
            var slot = MeetingAnswers.Slot(form.Slot);
            var on = string.Equals(form.On, "true", StringComparison.OrdinalIgnoreCase);
            var result = await services.Grains.Timetable(evening, teacher).SetBreakAsync(slot, on);
            return await FinishAsync(context, services, found, result,
                services.M[on ? "Done.BreakOn" : "Done.BreakOff", MeetingAnswers.Time(found.Evening, Math.Max(0, slot))], change: null);
        });
    }

    public sealed record StaffServices(MeetingEvenings Evenings, IGrainFactory Grains, MeetingMails Mails, IStringLocalizer<MeetingText> M);

    public sealed class StaffForm
    {
        public string? Slot { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
        public string? On { get; set; }
        /// <summary>"parent:pupil", as the school's family list sends it.</summary>
        public string? Family { get; set; }
    }

    internal sealed record Found(MeetingEvening Evening, MeetingTeacher Teacher);

    static (Guid Parent, Guid Pupil)? Family(string? value) =>
        value?.Split(':') is [var parent, var pupil] && Guid.TryParse(parent, out var p) && Guid.TryParse(pupil, out var c) ? (p, c) : null;

    /// <summary>The family holding a slot, whom the school moves or cancels for; the grid as it is, to show when nobody does.</summary>
    static async Task<(TimetableGrid Grid, (Guid Parent, Guid Pupil)? Holder)> HolderAsync(StaffServices services, Guid evening, Guid teacher, int slot)
    {
        var grid = await services.Grains.Timetable(evening, teacher).GetGridAsync();
        return (grid, grid.Slots.ElementAtOrDefault(slot) is { ParentId: { } parent, PupilId: { } pupil } ? (parent, pupil) : null);
    }

    static Task<IResult> NobodyThereAsync(HttpContext context, StaffServices services, Found found, TimetableGrid grid) =>
        AnswerAsync(context, services, found, grid, MeetingAnswers.Refusal(services.M, found.Evening, Refusal.NotYourAppointment), problem: true);

    static async Task<IResult> FinishAsync(HttpContext context, StaffServices services, Found found, TimetableResult result, string done,
        MeetingChange? change)
    {
        if (result.Done && result.Changed && change is not null)
        {
            await services.Mails.SendAsync(change, context.School()!.Name, context.RequestAborted);
        }
        return await AnswerAsync(context, services, found, result.Grid,
            result.Done ? done : MeetingAnswers.Refusal(services.M, found.Evening, result.Reason!.Value), problem: !result.Done);
    }

    static async Task<IResult> AnswerAsync(HttpContext context, StaffServices services, Found found, TimetableGrid grid, string message, bool problem) =>
        new RazorComponentResult<GridAnswer>(new
        {
            found.Evening,
            Grid = grid,
            Lines = await services.Evenings.LinesAsync(found.Evening.SchoolId, found.Evening.Id, found.Teacher.TeacherId,
                cancellationToken: context.RequestAborted),
            Message = message,
            Problem = problem,
        });

    /// <summary>The evening and teacher, for the school's manager or for that very teacher; nobody else.</summary>
    internal static async Task<Found?> ResolveAsync(HttpContext context, MeetingEvenings evenings, Guid eveningId, Guid teacherId)
    {
        var user = SignedInUser.From(context.User)!;
        if (user.Role == Role.Teacher && user.Id != teacherId)
        {
            return null;
        }
        return await evenings.FindAsync(context.School()!.Id, eveningId, context.RequestAborted) is { } evening
            && evening.Teacher(teacherId) is { } teacher
            ? new Found(evening, teacher)
            : null;
    }
}