using ItSchool.Accounts;
using ItSchool.Meetings;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The parent's side, for the child whose account is open: the evenings with the family's appointments (every
/// child's, whichever guardian booked them) and the child's teachers, then a teacher's grid where a click
/// books, a drag moves and the cross cancels.
/// </summary>
public static class FamilyMeetingPages
{
    public static void MapFamilyMeetings(this RouteGroupBuilder school)
    {
        var family = school.MapGroup("/reunions").RequireAuthorization(nameof(Role.Parent));

        family.MapGet("", async (HttpContext context, GuardianLinks pupils, MeetingEvenings evenings, HouseholdAppointments household,
            TimeProvider clock) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return (IResult)Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var user = SignedInUser.From(context.User)!;
            var choices = new List<EveningChoice>();
            foreach (var evening in await UpcomingAsync(evenings, child, clock, context.RequestAborted))
            {
                var lines = await household.LinesAsync(child.SchoolId, evening.Id, user.Id, context.RequestAborted);
                choices.Add(new EveningChoice(evening, evening.TeachersOf(child.ClassName, child.Id).ToList(), new FamilyList(lines, user.Id, child)));
            }
            return new RazorComponentResult<MeetingsPage>(new { Child = child, Choices = choices });
        });

        family.MapGet("/{evening:guid}/enseignants/{teacher:guid}", async (Guid evening, Guid teacher, HttpContext context,
            GuardianLinks pupils, MeetingEvenings evenings, HouseholdAppointments household, IGrainFactory grains,
            IStringLocalizer<MeetingText> M) =>
        {
            if (await ResolveAsync(context, pupils, evenings, evening, teacher) is not { } found)
            {
                return (IResult)Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            return new RazorComponentResult<FamilyGridPage>(new
            {
                found.Evening,
                found.Teacher,
                found.Child,
                Grid = await grains.Timetable(evening, teacher).GetGridAsync(),
                Family = new FamilyList(await household.LinesAsync(found.Child.SchoolId, evening, user.Id, context.RequestAborted), user.Id,
                    found.Child),
                Me = MeetingHolder.Of(evening, teacher, user.Id),
                Household = (await household.CoGuardiansAsync(found.Child.SchoolId, user.Id, context.RequestAborted))
                    .ToDictionary(g => MeetingHolder.Of(evening, teacher, g.ParentId, g.PupilId), g => M["Household.GridBy", g.FirstName, g.PupilFirstName].Value),
            });
        });

        // The family list alone: an open grid asks for it again when a push shows another guardian's change.
        family.MapGet("/{evening:guid}/famille", async (Guid evening, HttpContext context, GuardianLinks pupils, MeetingEvenings evenings,
            HouseholdAppointments household) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child
                || await evenings.FindAsync(child.SchoolId, evening, context.RequestAborted) is not { } found)
            {
                return (IResult)Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            return new RazorComponentResult<MyAppointments>(new
            {
                Evening = found,
                Family = new FamilyList(await household.LinesAsync(child.SchoolId, evening, user.Id, context.RequestAborted), user.Id, child),
            });
        });

        // The family's summary of the evening, which the child's documents list beside its invoices; opening it marks it read.
        family.MapGet("/{evening:guid}/recapitulatif.pdf", async (Guid evening, HttpContext context, GuardianLinks pupils, MeetingEvenings evenings,
            HouseholdAppointments household, TimeProvider clock, IStringLocalizer<MeetingText> M) =>
        {
            var user = SignedInUser.From(context.User)!;
            if (await context.OpenChildAsync(pupils) is not { } child
                || await evenings.FindAsync(child.SchoolId, evening, context.RequestAborted) is not { } found
                || !await household.OpenSummaryAsync(child.SchoolId, evening, child.Id, user.Id, clock.GetUtcNow(), context.RequestAborted))
            {
                return Results.NotFound();
            }
            var lines = await household.LinesAsync(child.SchoolId, evening, user.Id, context.RequestAborted);
            return Results.File(FamilySummaryPdf.Render(context.School()!.Name, found, lines, clock.GetUtcNow(), M), "application/pdf",
                $"{M["Summary.FileName"]}-{MeetingPdfPages.FileName(found.Name)}.pdf");
        });

        family.MapPost("/{evening:guid}/enseignants/{teacher:guid}/reserver", (Guid evening, Guid teacher, HttpContext context,
            [FromForm] SlotForm form, [AsParameters] FamilyServices services) =>
            ActAsync(context, services, evening, teacher, (agenda, child) => agenda.BookAsync(teacher, child.Id, MeetingAnswers.Slot(form.Slot)),
                (found, result, M) =>
                {
                    var slot = MeetingAnswers.Slot(form.Slot);
                    return (M["Done.Booked", MeetingAnswers.Time(found.Evening, slot), found.Teacher.Name],
                        new MeetingChange(MeetingChangeKind.Booked, found.Evening, found.Teacher, SignedInUser.From(context.User)!.Id, found.Child.Id, slot));
                }));

        family.MapPost("/{evening:guid}/enseignants/{teacher:guid}/deplacer", (Guid evening, Guid teacher, HttpContext context,
            [FromForm] SlotForm form, [AsParameters] FamilyServices services) =>
            ActAsync(context, services, evening, teacher,
                (agenda, _) => agenda.MoveAsync(teacher, MeetingAnswers.Slot(form.From), MeetingAnswers.Slot(form.To)),
                (found, result, M) =>
                {
                    var (from, to) = (MeetingAnswers.Slot(form.From), MeetingAnswers.Slot(form.To));
                    var pupil = result.Grid.Slots[to].PupilId ?? found.Child.Id;
                    return (M["Done.Moved", MeetingAnswers.Time(found.Evening, from), MeetingAnswers.Time(found.Evening, to)],
                        new MeetingChange(MeetingChangeKind.Moved, found.Evening, found.Teacher, SignedInUser.From(context.User)!.Id, pupil, to, from));
                }, MeetingAnswers.Slot(form.From)));

        family.MapPost("/{evening:guid}/enseignants/{teacher:guid}/annuler", async (Guid evening, Guid teacher, HttpContext context,
            [FromForm] SlotForm form, [AsParameters] FamilyServices services) =>
        {
            var slot = MeetingAnswers.Slot(form.Slot);
            // Which child the appointment was for is known only before it goes.
            var before = slot >= 0 ? await services.Grains.Timetable(evening, teacher).GetGridAsync() : TimetableGrid.None;
            var pupil = before.Slots.ElementAtOrDefault(slot)?.PupilId;
            return await ActAsync(context, services, evening, teacher, (agenda, _) => agenda.CancelAsync(teacher, slot),
                (found, result, M) => (M["Done.Cancelled", MeetingAnswers.Time(found.Evening, slot)],
                    new MeetingChange(MeetingChangeKind.Cancelled, found.Evening, found.Teacher, SignedInUser.From(context.User)!.Id,
                        pupil ?? found.Child.Id, slot)), slot);
        });
    }

    public sealed record FamilyServices(GuardianLinks Pupils, MeetingEvenings Evenings, HouseholdAppointments Household, IGrainFactory Grains,
        MeetingMails Mails, IStringLocalizer<MeetingText> M);

    public sealed class SlotForm
    {
        public string? Slot { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
    }

    public sealed record EveningChoice(MeetingEvening Evening, IReadOnlyList<MeetingTeacher> Teachers, FamilyList Family);

    /// <summary>The family's appointments as <paramref name="ParentId"/> sees them, with the open child's class (whose teachers' grids they can open).</summary>
    /// <summary>The family's appointments as <paramref name="ParentId"/> reads them, on the pages of the open child.</summary>
    public sealed record FamilyList(IReadOnlyList<AppointmentLine> Lines, Guid ParentId, Pupil OpenChild);

    sealed record Found(MeetingEvening Evening, MeetingTeacher Teacher, Pupil Child);

    static async Task<IResult> ActAsync(HttpContext context, FamilyServices services, Guid eveningId, Guid teacherId,
        Func<IParentAgendaGrain, Pupil, Task<TimetableResult>> act,
        Func<Found, TimetableResult, IStringLocalizer<MeetingText>, (string Message, MeetingChange Change)> done, int held = -1)
    {
        if (await ResolveAsync(context, services.Pupils, services.Evenings, eveningId, teacherId) is not { } found)
        {
            return Results.NotFound();
        }
        var user = SignedInUser.From(context.User)!;
        var result = await act(services.Grains.Agenda(eveningId, user.Id), found.Child);
        string message;
        if (result.Done)
        {
            var (text, change) = done(found, result, services.M);
            message = text;
            if (result.Changed)
            {
                await services.Mails.SendAsync(change, context.School()!.Name, context.RequestAborted);
            }
        }
        else
        {
            message = await OtherGuardianAsync(services, found, user.Id, result, held, context.RequestAborted) is { } booker
                ? services.M["Household.NotYours", booker.Name]
                : MeetingAnswers.Refusal(services.M, found.Evening, result.Reason!.Value);
        }
        return new RazorComponentResult<GridAnswer>(new
        {
            found.Evening,
            result.Grid,
            Me = MeetingHolder.Of(eveningId, teacherId, user.Id),
            Message = message,
            Problem = !result.Done,
            Family = new FamilyList(await services.Household.LinesAsync(found.Child.SchoolId, eveningId, user.Id, context.RequestAborted), user.Id,
                found.Child),
        });
    }

    /// <summary>
    /// Who of the household holds the appointment the parent tried to move or cancel as theirs: the timetable
    /// refused it (an appointment belongs to the guardian who booked it), and the parent should know whom to ask.
    /// </summary>
    static async Task<CoGuardian?> OtherGuardianAsync(FamilyServices services, Found found, Guid parentId, TimetableResult result, int held,
        CancellationToken cancellationToken)
    {
        if (result.Reason != Refusal.NotYourAppointment || result.Grid.Slots.ElementAtOrDefault(held) is not { ParentId: { } booker, PupilId: { } pupil })
        {
            return null;
        }
        return (await services.Household.CoGuardiansAsync(found.Child.SchoolId, parentId, cancellationToken))
            .FirstOrDefault(g => g.ParentId == booker && g.PupilId == pupil);
    }

    /// <summary>The evening, a teacher of it and the open child, only if that teacher sees parents of the child's class.</summary>
    static async Task<Found?> ResolveAsync(HttpContext context, GuardianLinks pupils, MeetingEvenings evenings, Guid eveningId, Guid teacherId)
    {
        if (await context.OpenChildAsync(pupils) is not { } child
            || await evenings.FindAsync(child.SchoolId, eveningId, context.RequestAborted) is not { } evening
            || evening.TeachersOf(child.ClassName, child.Id).FirstOrDefault(t => t.TeacherId == teacherId) is not { } teacher)
        {
            return null;
        }
        return new Found(evening, teacher, child);
    }

    /// <summary>Evenings still to come where one of the child's teachers sees parents.</summary>
    public static async Task<IReadOnlyList<MeetingEvening>> UpcomingAsync(MeetingEvenings evenings, Pupil child, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var today = SchoolTime.Today(clock);
        return (await evenings.ListAsync(child.SchoolId, cancellationToken))
            .Where(e => e.LastDay >= today && e.TeachersOf(child.ClassName, child.Id).Any()).ToList();
    }

}