using ItSchool.Accounts;
using ItSchool.Documents;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Documents;

/// <summary>
/// The parents' "Documents" for the child whose account is open: the child's documents, invoices, order confirmations and
/// meetings summaries, newest first, the unread ones in bold; opening one marks it read for this guardian only. A document
/// or invoice is found only through the open child (whose guardian link is checked at every request): another family's
/// gives 404 and marks nothing.
/// </summary>
public static class ParentDocumentPages
{
    const int ListLimit = 500;
    const int CardLimit = 5;

    public static void MapParentDocuments(this RouteGroupBuilder school)
    {
        var documents = school.MapGroup("/documents").RequireAuthorization(nameof(Role.Parent));

        documents.MapGet("", async (HttpContext context, GuardianLinks pupils, DocumentStore store, IGrainFactory grains) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var user = SignedInUser.From(context.User)!;
            var modules = await ModulesAsync(grains, child.SchoolId);
            var shown = await store.ForChildAsync(child.SchoolId, child.Id, user.Id, modules.Contains(SchoolModule.Invoices),
                modules.Contains(SchoolModule.Orders), modules.Contains(SchoolModule.Meetings), modules.Contains(SchoolModule.Textbooks), false, ListLimit, context.RequestAborted);
            return new RazorComponentResult<ParentDocumentsPage>(new { Child = child, Documents = shown });
        });

        documents.MapGet("/{id:guid}/fichier", async (Guid id, HttpContext context, GuardianLinks pupils, DocumentStore store, TimeProvider clock) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child)
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            return await store.OpenForChildAsync(child.SchoolId, child.Id, id, user.Id, clock.GetUtcNow(), context.RequestAborted) is { } document
                ? new DocumentFiles(document)
                : Results.NotFound();
        });

        // The invoice's own PDF stays where the invoices serve it; passing here marks it read in the documents.
        documents.MapGet("/factures/{id:guid}", async (Guid id, HttpContext context, GuardianLinks pupils, DocumentStore store, IGrainFactory grains,
            TimeProvider clock) =>
        {
            if (await context.OpenChildAsync(pupils) is not { } child || !await InvoicesOnAsync(grains, child.SchoolId))
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            return await store.OpenInvoiceAsync(child.SchoolId, child.Id, id, user.Id, clock.GetUtcNow(), context.RequestAborted)
                ? Results.Redirect($"{context.Request.PathBase}/finances/factures/{id}/facture.pdf")
                : Results.NotFound();
        });
    }

    /// <summary>The parent's card: the open child's last unread documents (up to five) and the way to all of them.</summary>
    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var store = reader.Services.GetRequiredService<DocumentStore>();
        var modules = await ModulesAsync(reader.Services.GetRequiredService<IGrainFactory>(), reader.SchoolId);
        var unread = await store.ForChildAsync(reader.SchoolId, child.Id, reader.User.Id, modules.Contains(SchoolModule.Invoices),
            modules.Contains(SchoolModule.Orders), modules.Contains(SchoolModule.Meetings), modules.Contains(SchoolModule.Textbooks), true, CardLimit, reader.Aborted);
        return [DashboardCard.Of<DocumentDashboardCard>(15, new { Unread = unread })];
    }

    static async Task<bool> InvoicesOnAsync(IGrainFactory grains, Guid schoolId) => (await ModulesAsync(grains, schoolId)).Contains(SchoolModule.Invoices);

    static async Task<IReadOnlySet<SchoolModule>> ModulesAsync(IGrainFactory grains, Guid schoolId) =>
        await grains.GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();

    /// <summary>What a line of the list or the card says: the document's title, or the invoice's, the order's or the evening's with what it is.</summary>
    public static string Title(ChildDocument document, IStringLocalizer<DocumentText> D) => document switch
    {
        { InvoiceNumber: { } number } => D["Parent.Invoice", number, document.Title],
        { OrderFormTitle: { } form } => D["Parent.Order", document.Title, form],
        { IsMeetingSummary: true } => D["Parent.MeetingSummary", document.Title],
        { TextbookListId: not null } => D["Parent.Textbooks", document.Title],
        _ => document.Title,
    };

    /// <summary>
    /// Where a line of the list or the card leads: the document's file, the invoice's PDF through the read marker, or the
    /// order's confirmation or the evening's summary (each marks itself read: the orders and the meetings serve them).
    /// </summary>
    public static string Href(ChildDocument document) => document switch
    {
        { IsInvoice: true } => $"documents/factures/{document.Id}",
        { OrderFormId: { } form } => $"commandes/{form}/{document.Id}/confirmation.pdf",
        { MeetingEveningId: { } evening } => $"reunions/{evening}/recapitulatif.pdf",
        { TextbookListId: { } list } => $"manuels/{list}/confirmation.pdf",
        _ => $"documents/{document.Id}/fichier",
    };
}