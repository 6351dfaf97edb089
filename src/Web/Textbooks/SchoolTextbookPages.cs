using System.Text.Encodings.Web;
using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Wallets;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// The school's side: its lists per class and school year, the editor, and per list who answered and who has not, the
/// reminder to the latter, the bookseller's totals as CSV, and the marks per pupil and item (handed out; a rental
/// returned, which refunds its deposit once). A list, answer or item of another school or list answers 404.
/// </summary>
public static class SchoolTextbookPages
{
    public const string Root = "gestion/manuels";

    /// <summary>A second "Relancer" this soon after the first is a double click, not a new reminder: it sends nothing.</summary>
    static readonly TimeSpan ReminderRepeat = TimeSpan.FromMinutes(2);

    public static void MapSchoolTextbooks(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, TextbookStore store) =>
            new RazorComponentResult<SchoolTextbooksPage>(new { Lists = await store.ListsAsync(context.School()!.Id, context.RequestAborted) }));

        admin.MapGet("/nouvelle", async (HttpContext context, [AsParameters] SchoolTextbookServices services) =>
            await EditPageAsync(context, services, null, SchoolTextbookFields.Blank(SchoolTime.Today(services.Clock)), [], 5));

        admin.MapPost("/nouvelle", async (HttpContext context, [AsParameters] SchoolTextbookServices services) => await SaveAsync(context, services, null));

        admin.MapGet("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] SchoolTextbookServices services) =>
            await services.Store.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } list
                ? await EditPageAsync(context, services, list, SchoolTextbookFields.Of(list), [], list.Items.Count + 2)
                : Results.NotFound());

        admin.MapPost("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] SchoolTextbookServices services) =>
            await services.Store.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } list
                ? await SaveAsync(context, services, list)
                : Results.NotFound());

        admin.MapGet("/{id:guid}", async (Guid id, HttpContext context, [AsParameters] SchoolTextbookServices services) =>
        {
            if (await services.Store.FindAsync(context.School()!.Id, id, context.RequestAborted) is not { } list)
            {
                return Results.NotFound();
            }
            return new RazorComponentResult<SchoolTextbookListPage>(new
            {
                List = list,
                Answers = await services.Store.AnswersAsync(list, context.RequestAborted),
                LastReminder = await services.Store.LastReminderAsync(list.Id, context.RequestAborted),
                Compartments = await services.Compartments.LoadAsync(list.SchoolId, context.RequestAborted),
            });
        });

        admin.MapPost("/{id:guid}/relancer", async (Guid id, HttpContext context, [AsParameters] SchoolTextbookServices services, LanguageDirectory languages) =>
        {
            var school = context.School()!;
            if (await services.Store.FindAsync(school.Id, id, context.RequestAborted) is not { } list)
            {
                return Results.NotFound();
            }
            var readers = await languages.RecipientsAsync(school.Id, context.RequestAborted);
            var link = $"{context.SchoolUrl()}/{ParentTextbookPages.Root}/{list.Id}";
            var html = HtmlEncoder.Default;
            var outcome = await services.Store.RemindAsync(school.Id, list.Id, SignedInUser.From(context.User)!.DisplayName, services.Clock.GetUtcNow(),
                ReminderRepeat, guardian =>
                {
                    using var language = Cultures.Use(readers.OfUser(school.Id, guardian.Id));
                    var title = TextbookWords.Title(services.T, list);
                    List<string> paragraphs = [services.T["Mail.Greeting", guardian.FirstName],
                        services.T["Mail.Body", title, guardian.PupilFirstName, SchoolTime.Date(list.ClosesOn)], services.T["Mail.Link", link],
                        services.T["Mail.Signature", school.Name]];
                    return services.Notifications.For(NotificationKind.NewDocument, guardian.Id, new OutgoingMail(school.Id, guardian.Email,
                        guardian.DisplayName, services.T["Mail.Subject", title], string.Join("\n\n", paragraphs),
                        string.Concat(paragraphs.Select(p => $"<p>{html.Encode(p)}</p>"))), context.SchoolUrl(), link,
                        services.T["Mail.Body", title, guardian.PupilFirstName, SchoolTime.Date(list.ClosesOn)], $"textbooks-{list.Id:N}");
                }, context.RequestAborted);
            return outcome switch
            {
                null => Results.NotFound(),
                { AlreadySentAt: not null } => Flash.Redirect(context, $"{Root}/{id}", "reminder-repeat"),
                { Sent: 0 } => Flash.Redirect(context, $"{Root}/{id}", "reminder-none"),
                var sent => Flash.Redirect(context, $"{Root}/{id}", "reminded", sent.Sent),
            };
        });

        admin.MapGet("/{id:guid}/libraire.csv", async (Guid id, HttpContext context, [AsParameters] SchoolTextbookServices services) =>
        {
            if (await services.Store.FindAsync(context.School()!.Id, id, context.RequestAborted) is not { } list)
            {
                return Results.NotFound();
            }
            await TextbookExport.WriteAsync(context.Response, list, await services.Store.AnswersAsync(list, context.RequestAborted), services.T);
            return Results.Empty;
        });

        admin.MapPost("/{id:guid}/reponses/{confirmationId:guid}/{itemId:guid}/remis", async (Guid id, Guid confirmationId, Guid itemId,
            HttpContext context, [AsParameters] SchoolTextbookServices services) =>
            await services.Store.MarkHandedOutAsync(context.School()!.Id, id, confirmationId, itemId, SignedInUser.From(context.User)!.DisplayName,
                services.Clock.GetUtcNow(), context.RequestAborted)
                ? Flash.Redirect(context, $"{Root}/{id}", "handed-out")
                : Results.NotFound());

        admin.MapPost("/{id:guid}/reponses/{confirmationId:guid}/{itemId:guid}/rendu", async (Guid id, Guid confirmationId, Guid itemId,
            HttpContext context, [AsParameters] SchoolTextbookServices services, LanguageDirectory languages) =>
        {
            var school = context.School()!;
            var user = SignedInUser.From(context.User)!;
            var words = await TextbookWords.InvoiceAsync(services.T, languages, school.Id, context.RequestAborted);
            return await services.Confirmations.ReturnAsync(school.Id, id, confirmationId, itemId, new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName),
                words, context.RequestAborted) is not null
                ? Flash.Redirect(context, $"{Root}/{id}", "returned")
                : Results.NotFound();
        });
    }

    public sealed record SchoolTextbookServices(TextbookStore Store, TextbookConfirmations Confirmations, PupilRegistry Pupils,
        CompartmentSettingsStore Compartments, NotificationMails Notifications, TimeProvider Clock, IStringLocalizer<TextbookText> T);

    static async Task<IResult> SaveAsync(HttpContext context, SchoolTextbookServices services, TextbookList? existing)
    {
        var schoolId = context.School()!.Id;
        var fields = SchoolTextbookFields.Read(await context.Request.ReadFormAsync(context.RequestAborted));
        if (fields.ContainsKey("More"))
        {
            // "Ajouter des lignes": the same list, three empty rows more, nothing saved.
            return await EditPageAsync(context, services, existing, fields, [], SchoolTextbookFields.Rows(fields) + 3);
        }
        var id = existing?.Id ?? Guid.CreateVersion7();
        var draft = SchoolTextbookFields.Draft(fields, id, schoolId);
        var classes = await services.Pupils.ClassesAsync(schoolId, context.RequestAborted);
        var compartments = (await services.Compartments.LoadAsync(schoolId, context.RequestAborted)).Select(c => c.Compartment).ToHashSet();
        var saved = await services.Store.SaveAsync(draft, existing is null, classes, compartments, SignedInUser.From(context.User)!.DisplayName,
            services.Clock.GetUtcNow(), context.RequestAborted);
        if (saved.Saved)
        {
            return Flash.Redirect(context, $"{Root}/{id}", existing is null ? "created" : "changed");
        }
        var problems = saved.Problems.Select(p => Message(services.T, p, draft)).Distinct().ToList();
        return await EditPageAsync(context, services, existing, fields, problems, SchoolTextbookFields.Rows(fields));
    }

    /// <summary>A problem in words, naming the item row's title when it is about one ("« Atlas » : l'ISBN n'est pas valable").</summary>
    static string Message(IStringLocalizer<TextbookText> T, TextbookProblem problem, TextbookListDraft draft)
    {
        var dot = problem.Field.IndexOf('.');
        if (problem.Field.StartsWith('I') && dot > 1 && int.TryParse(problem.Field[1..dot], out var row))
        {
            var filled = row < draft.Items.Count ? draft.Items[row].Title : "";
            return T[$"Problem.Item.{problem.Field[(dot + 1)..]}.{problem.Code}", filled.Length > 0 ? filled : T["Problem.Row", row + 1].Value];
        }
        return T[$"Problem.{(problem.Field.Length > 0 ? problem.Field + "." : "")}{problem.Code}"];
    }

    static async Task<IResult> EditPageAsync(HttpContext context, SchoolTextbookServices services, TextbookList? list,
        IReadOnlyDictionary<string, string> fields, IReadOnlyList<string> problems, int rows)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<SchoolTextbookEditPage>(new
        {
            List = list,
            Fields = fields,
            Problems = problems,
            Classes = await services.Pupils.ClassesAsync(schoolId, context.RequestAborted),
            Compartments = await services.Compartments.LoadAsync(schoolId, context.RequestAborted),
            RowCount = Math.Clamp(rows, 1, SchoolTextbookFields.MaxRows),
            Today = SchoolTime.Today(services.Clock),
        });
    }
}