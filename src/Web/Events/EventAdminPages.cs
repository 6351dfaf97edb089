using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Events;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Events;

/// <summary>The school's events: the list, a new event, changing or deleting one. A refused form comes back as typed, with every problem.</summary>
public static class EventAdminPages
{
    public static void MapEventAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/evenements").RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, [AsParameters] AdminServices services) =>
            await ListPageAsync(context, services, EventForm.Blank(), []));

        admin.MapPost("", async (HttpContext context, [AsParameters] AdminServices services) =>
        {
            var form = await ReadAsync(context);
            var schoolId = context.School()!.Id;
            var saved = await services.Events.SaveAsync(Draft(form, Guid.CreateVersion7(), schoolId), isNew: true,
                [.. (await services.Links.OfferedAsync(schoolId, context.RequestAborted)).Select(c => c.Link)], services.Clock.GetUtcNow(),
                context.RequestAborted);
            return saved.Saved is null
                ? await ListPageAsync(context, services, form, Messages(saved.Problems, services.T))
                : Flash.Redirect(context, "gestion/evenements", "created");
        });

        admin.MapGet("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] AdminServices services) =>
            await services.Events.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } found
                ? await EditPageAsync(context, services, found, EventForm.FieldsOf(found), [])
                : Results.NotFound());

        admin.MapPost("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] AdminServices services) =>
        {
            var schoolId = context.School()!.Id;
            if (await services.Events.FindAsync(schoolId, id, context.RequestAborted) is not { } found)
            {
                return Results.NotFound();
            }
            var form = await ReadAsync(context);
            var saved = await services.Events.SaveAsync(Draft(form, id, schoolId), isNew: false,
                [.. (await services.Links.OfferedAsync(schoolId, context.RequestAborted)).Select(c => c.Link)], services.Clock.GetUtcNow(),
                context.RequestAborted);
            if (saved.NotFound)
            {
                return Results.NotFound();
            }
            return saved.Saved is null
                ? await EditPageAsync(context, services, found, form, Messages(saved.Problems, services.T))
                : Flash.Redirect(context, "gestion/evenements", "changed");
        });

        admin.MapGet("/{id:guid}/supprimer", async (Guid id, HttpContext context, SchoolEvents events) =>
            await events.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } found
                ? new RazorComponentResult<DeleteEventPage>(new { Event = found })
                : (IResult)Results.NotFound());

        admin.MapPost("/{id:guid}/supprimer", async (Guid id, HttpContext context, SchoolEvents events) =>
            await events.DeleteAsync(context.School()!.Id, id, context.RequestAborted)
                ? Flash.Redirect(context, "gestion/evenements", "deleted")
                : (IResult)Results.NotFound());
    }

    public sealed record AdminServices(SchoolEvents Events, EventLinks Links, PupilRegistry Registry, TimeProvider Clock, IStringLocalizer<EventText> T);

    static async Task<IResult> ListPageAsync(HttpContext context, AdminServices services, IReadOnlyDictionary<string, IReadOnlyList<string>> form,
        IReadOnlyList<string> problems)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<EventsAdminPage>(new
        {
            Events = await services.Events.ListAsync(schoolId, context.RequestAborted),
            Choices = await ChoicesAsync(context, services, schoolId),
            Form = form,
            Problems = problems,
            Now = services.Clock.GetUtcNow(),
        });
    }

    static async Task<IResult> EditPageAsync(HttpContext context, AdminServices services, SchoolEvent found,
        IReadOnlyDictionary<string, IReadOnlyList<string>> form, IReadOnlyList<string> problems) =>
        new RazorComponentResult<EditEventPage>(new
        {
            Event = found,
            Choices = await ChoicesAsync(context, services, found.SchoolId),
            Form = form,
            Problems = problems,
        });

    static async Task<EventForm.Options> ChoicesAsync(HttpContext context, AdminServices services, Guid schoolId) =>
        new(await services.Registry.ClassesAsync(schoolId, context.RequestAborted),
            await services.Registry.ListAsync(schoolId, cancellationToken: context.RequestAborted),
            await services.Links.OfferedAsync(schoolId, context.RequestAborted));

    static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadAsync(HttpContext context) =>
        (await context.Request.ReadFormAsync(context.RequestAborted))
            .ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Select(v => v ?? "").ToList());

    /// <summary>The form as a draft: what cannot be read stays null, and the store says what is wrong.</summary>
    static EventDraft Draft(IReadOnlyDictionary<string, IReadOnlyList<string>> form, Guid id, Guid schoolId)
    {
        string One(string name) => form.TryGetValue(name, out var values) ? values.FirstOrDefault()?.Trim() ?? "" : "";
        IEnumerable<string> All(string name) => form.TryGetValue(name, out var values) ? values.Where(v => !string.IsNullOrWhiteSpace(v)) : [];
        var audience = One("Audience") switch
        {
            "classes" => EventAudience.Classes,
            "pupils" => EventAudience.Pupils,
            _ => EventAudience.School,
        };
        var startsTyped = One("Starts");
        var endsTyped = One("Ends");
        return new EventDraft(id, schoolId, One("Title"), One("Text"), Day(One("From")), One("To") is "" ? null : Day(One("To")),
            Time(startsTyped), Time(endsTyped), TimesTyped: startsTyped.Length + endsTyped.Length > 0, audience,
            [.. All("Class")],
            // An id that cannot be read names no pupil: it must be refused, not dropped.
            [.. All("Pupil").Select(p => Guid.TryParse(p, out var pupil) ? pupil : Guid.Empty)],
            EventLinkChoice.Parse(One("Link")));
    }

    static DateOnly? Day(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    static TimeOnly? Time(string value) =>
        TimeOnly.TryParseExact(value, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    static List<string> Messages(IEnumerable<EventRefusal> problems, IStringLocalizer<EventText> T) =>
        [.. problems.Select(p => T[$"Problem.{p.Problem}", p.Detail ?? ""].Value).Distinct()];
}