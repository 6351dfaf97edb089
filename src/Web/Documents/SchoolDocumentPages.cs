using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Documents;

/// <summary>
/// The school's "Documents": the list of what it sent with how many guardians opened each, the upload (streamed, see
/// <see cref="DocumentUploads"/>), a document's read receipts, its download and "Relancer".
/// </summary>
public static class SchoolDocumentPages
{
    public const string Root = "gestion/documents";

    public static void MapSchoolDocuments(this RouteGroupBuilder school)
    {
        var documents = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        documents.MapGet("", async (HttpContext context, [AsParameters] SchoolDocumentServices services) =>
            new RazorComponentResult<SchoolDocumentsPage>(await PageAsync(context, services, UploadFormModel.Empty(services.Clock))));

        // Not form-bound: the file is read from the request as it arrives (DocumentUploads), so the form is never buffered.
        documents.MapPost("", async (HttpContext context, [AsParameters] SchoolDocumentServices services) =>
        {
            var (form, sent) = await DocumentUploads.ReceiveAsync(context, services);
            if (sent is { } pupils)
            {
                return context.RedirectTo($"{context.Request.PathBase}/{Root}?ok=sent&n={pupils}");
            }
            return context.Request.WantsFragment()
                ? new RazorComponentResult<DocumentUploadForm>(await FormModelAsync(context, services, form))
                : new RazorComponentResult<SchoolDocumentsPage>(await PageAsync(context, services, form));
        });

        documents.MapGet("/{id:guid}", async (Guid id, HttpContext context, [AsParameters] SchoolDocumentServices services) =>
            await ReceiptsPageAsync(context, services, id, null));

        documents.MapGet("/{id:guid}/fichier", async (Guid id, HttpContext context, DocumentStore store) =>
            await store.FindStoredAsync(context.School()!.Id, id, context.RequestAborted) is { } document
                ? (IResult)new DocumentFiles(document)
                : Results.NotFound());

        documents.MapPost("/{id:guid}/relancer", async (Guid id, HttpContext context, [AsParameters] SchoolDocumentServices services,
            DocumentReminderMails mails) =>
        {
            var user = SignedInUser.From(context.User)!;
            var outcome = await mails.SendAsync(context, id, user, services.Settings.Value.ReminderWindow);
            return outcome switch
            {
                null => Results.NotFound(),
                { AlreadySentAt: { } at } => await ReceiptsPageAsync(context, services, id, services.T["Remind.AlreadySent", SchoolTime.DateAndTime(at)].Value),
                { Sent: 0 } => Flash.Redirect(context, $"{Root}/{id}", "nobody"),
                { Sent: var sent } => Flash.Redirect(context, $"{Root}/{id}", "reminded", sent),
            };
        });
    }

    static async Task<IResult> ReceiptsPageAsync(HttpContext context, SchoolDocumentServices services, Guid id, string? problem)
    {
        var schoolId = context.School()!.Id;
        if (await services.Store.FindAsync(schoolId, id, context.RequestAborted) is not { } document)
        {
            return Results.NotFound();
        }
        return new RazorComponentResult<DocumentReceiptsPage>(new
        {
            Document = document,
            Receipts = await services.Store.ReceiptsAsync(schoolId, id, context.RequestAborted),
            LastReminder = await services.Store.LastReminderAsync(id, context.RequestAborted),
            Problem = problem,
        });
    }

    static async Task<object> PageAsync(HttpContext context, SchoolDocumentServices services, UploadFormModel form) => new
    {
        Documents = await services.Store.ListAsync(context.School()!.Id, context.RequestAborted),
        Model = form,
        Pupils = await services.Store.PupilsAsync(context.School()!.Id, context.RequestAborted),
        services.Settings.Value.MaxMegabytes,
    };

    static async Task<object> FormModelAsync(HttpContext context, SchoolDocumentServices services, UploadFormModel form) => new
    {
        Model = form,
        Pupils = await services.Store.PupilsAsync(context.School()!.Id, context.RequestAborted),
        services.Settings.Value.MaxMegabytes,
    };

    public sealed record SchoolDocumentServices(DocumentStore Store, Npgsql.NpgsqlDataSource Db,
        IOptions<DocumentSettings> Settings, TimeProvider Clock, IStringLocalizer<DocumentText> T);
}

/// <summary>What the school typed in the upload form, shown again with the problem when it is refused.</summary>
public sealed record UploadFormModel(string Title, string Date, string Audience, string ClassName, IReadOnlyList<Guid> PupilIds, string? Problem)
{
    public static UploadFormModel Empty(TimeProvider clock) =>
        new("", SchoolTime.Today(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "class", "", [], null);
}