using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Operators;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// The family's side, for the child whose account is open: the lists of its class, a list's items to choose (order, already
/// have it, not needed for optional ones) and confirm once, then the confirmation with its payment, the rentals' return
/// dates and deposits, the school's marks, and the PDF. A list of another class or school answers 404; outside its dates
/// the list is shown read-only with the dates.
/// </summary>
public static class ParentTextbookPages
{
    public const string Root = "manuels";

    public static void MapParentTextbooks(this RouteGroupBuilder school)
    {
        var pages = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Parent));

        pages.MapGet("", async (HttpContext context, [AsParameters] ParentTextbookServices services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var lists = await services.Store.ForPupilAsync(child.SchoolId, child.Id, context.RequestAborted);
            var answers = await services.Store.PupilConfirmationsAsync(child.SchoolId, child.Id, context.RequestAborted);
            return new RazorComponentResult<ParentTextbooksPage>(new
            {
                Child = child,
                Lists = lists,
                Answered = answers.Select(a => a.ListId).ToHashSet(),
                Today = SchoolTime.Today(services.Clock),
            });
        });

        pages.MapGet("/{listId:guid}", async (Guid listId, HttpContext context, [AsParameters] ParentTextbookServices services) =>
            await ChildListAsync(context, services, listId) is var (child, list)
                ? await PageAsync(context, services, child, list, null, null)
                : Results.NotFound());

        pages.MapPost("/{listId:guid}", async (Guid listId, HttpContext context, [AsParameters] ParentTextbookServices services) =>
        {
            if (await ChildListAsync(context, services, listId) is not var (child, list))
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var user = SignedInUser.From(context.User)!;
            switch (await context.PostedChildAsync(services.Pupils, child, posted["Pupil"]))
            {
                case PostedChild.AnotherOfTheirs:
                    return await PageAsync(context, services, child, list, null, services.T["Refusal.WrongChild", child.FirstName]);
                case PostedChild.NotTheirs:
                    return Results.NotFound();
            }
            var choices = new Dictionary<Guid, TextbookChoice>();
            foreach (var (name, value) in posted.Where(p => p.Key.StartsWith("c.", StringComparison.Ordinal)))
            {
                if (!Guid.TryParse(name[2..], out var itemId) || TextbookWords.Parse(value) is not { } choice)
                {
                    return await PageAsync(context, services, child, list, Chosen(posted), services.T["Refusal.UnknownItem"]);
                }
                choices[itemId] = choice;
            }
            var words = await TextbookWords.InvoiceAsync(services.T, services.Languages, child.SchoolId, context.RequestAborted);
            var result = await services.Confirmations.ConfirmAsync(new ConfirmTextbooks(child.SchoolId, list.Id, child.Id, choices,
                new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)), words, context.RequestAborted);
            if (result.Confirmation is not null)
            {
                return Flash.Redirect(context, $"{Root}/{list.Id}", result.Already ? "already" : "confirmed");
            }
            // The school changed the items meanwhile: the page shows them as they are now.
            var shown = result.Refusal == TextbookRefusal.ListChanged ? await services.Store.FindAsync(child.SchoolId, list.Id, context.RequestAborted) ?? list : list;
            return await PageAsync(context, services, child, shown, Chosen(posted), Refusal(services.T, shown, child, result));
        });

        pages.MapGet("/{listId:guid}/confirmation.pdf", async (Guid listId, HttpContext context, [AsParameters] ParentTextbookServices services,
            OperatedSchools schools) =>
        {
            if (await ChildListAsync(context, services, listId) is not var (child, list)
                || await ModelAsync(context, services, child, list, null, null) is not { Confirmation: { } confirmation } model)
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            await services.Store.OpenConfirmationAsync(child.SchoolId, child.Id, confirmation.Id, user.Id, services.Clock.GetUtcNow(), context.RequestAborted);
            var school = context.School()!;
            var registered = await schools.FindAsync(school.Id, context.RequestAborted);
            var pdf = TextbookConfirmationPdf.Render(model, new TextbookConfirmationPdf.Issuer(school.Name, registered?.PostalAddress, registered?.EnterpriseNumber),
                services.Clock.GetUtcNow(), services.T);
            return Results.File(pdf, "application/pdf", $"manuels-{TextbookExport.FileName(list.ClassName)}-{list.Year}-{confirmation.Id.ToString()[..8]}.pdf");
        });
    }

    /// <summary>The parent's card for the open child: each list of its class open today and not yet answered.</summary>
    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var store = reader.Services.GetRequiredService<TextbookStore>();
        var today = SchoolTime.Today(reader.Services.GetRequiredService<TimeProvider>());
        var answered = (await store.PupilConfirmationsAsync(reader.SchoolId, child.Id, reader.Aborted)).Select(c => c.ListId).ToHashSet();
        var open = (await store.ForPupilAsync(reader.SchoolId, child.Id, reader.Aborted)).Where(l => l.IsOpenOn(today) && !answered.Contains(l.Id)).ToList();
        return open.Count == 0 ? [] : [DashboardCard.Of<ParentTextbookDashboardCard>(21, new { Child = child, Open = open })];
    }

    public sealed record ParentTextbookServices(GuardianLinks Pupils, TextbookStore Store, TextbookConfirmations Confirmations, LanguageDirectory Languages,
        IGrainFactory Grains, TimeProvider Clock, IStringLocalizer<TextbookText> T);

    /// <param name="Chosen">The choices a refused post made, shown again as they were; null: the page's defaults.</param>
    /// <param name="Wallet">The compartment the list is paid from, with what it holds (before and after the answer).</param>
    public sealed record ListModel(Pupil Child, TextbookList List, DateOnly Today, TextbookConfirmation? Confirmation,
        IReadOnlyDictionary<Guid, string>? Chosen, string? Problem, CompartmentView? Wallet, InvoiceView? Invoice, bool InvoicesOn)
    {
        public bool Open => List.IsOpenOn(Today);

        /// <summary>The choice a radio starts on: what was posted, else "commander" for a compulsory item (an optional one waits for the family).</summary>
        public string Choice(TextbookItem item) =>
            Chosen is null ? item.Compulsory ? TextbookWords.Form(TextbookChoice.Order) : "" : Chosen.GetValueOrDefault(item.Id) ?? "";
    }

    static IReadOnlyDictionary<Guid, string> Chosen(IFormCollection posted) =>
        posted.Where(p => p.Key.StartsWith("c.", StringComparison.Ordinal) && Guid.TryParse(p.Key[2..], out _))
            .ToDictionary(p => Guid.Parse(p.Key[2..]), p => p.Value.ToString());

    /// <summary>The list, if it is of this school and of the open child's class; its dates do not matter here (the page says them).</summary>
    static async Task<(Pupil Child, TextbookList List)?> ChildListAsync(HttpContext context, ParentTextbookServices services, Guid listId)
    {
        if (await context.OpenChildAsync(services.Pupils) is not { } child
            || await services.Store.FindAsync(child.SchoolId, listId, context.RequestAborted) is not { } list
            || list.ClassName != child.ClassName)
        {
            return null;
        }
        return (child, list);
    }

    static async Task<IResult> PageAsync(HttpContext context, ParentTextbookServices services, Pupil child, TextbookList list,
        IReadOnlyDictionary<Guid, string>? chosen, string? problem) =>
        new RazorComponentResult<ParentTextbookListPage>(new { Model = await ModelAsync(context, services, child, list, chosen, problem) });

    static async Task<ListModel> ModelAsync(HttpContext context, ParentTextbookServices services, Pupil child, TextbookList list,
        IReadOnlyDictionary<Guid, string>? chosen, string? problem)
    {
        var confirmation = await services.Store.ConfirmationAsync(child.SchoolId, list.Id, child.Id, context.RequestAborted) is { } written
            ? await services.Confirmations.ResumeAsync(list, written, () => TextbookWords.InvoiceAsync(services.T, services.Languages, child.SchoolId, context.RequestAborted))
            : null;
        var compartment = confirmation?.Compartment ?? (confirmation is null ? list.Compartment : null);
        var wallet = compartment is { } c
            ? (await services.Grains.GetGrain<IPurseGrain>(child.Id).GetCompartmentsAsync()).FirstOrDefault(w => w.Compartment == c)
            : null;
        var invoice = confirmation?.InvoiceId is { } invoiceId ? await services.Grains.GetGrain<IInvoiceGrain>(invoiceId).GetAsync() : null;
        var modules = await services.Grains.GetGrain<ISchoolGrain>(child.SchoolId).GetEnabledModulesAsync();
        return new ListModel(child, list, SchoolTime.Today(services.Clock), confirmation, chosen, problem, wallet,
            invoice is { } i && i.PupilId == child.Id ? i : null, modules.Contains(SchoolModule.Invoices));
    }

    /// <summary>Every refusal in words, with what explains it: which item, the dates, what the wallet holds.</summary>
    static string Refusal(IStringLocalizer<TextbookText> T, TextbookList list, Pupil child, TextbookConfirmResult result)
    {
        var item = result.ItemId is { } id ? list.Item(id)?.Title ?? "" : "";
        return result.Refusal switch
        {
            TextbookRefusal.NotOpenYet => T["Refusal.NotOpenYet", SchoolTime.Date(list.OpensOn), SchoolTime.Date(list.ClosesOn)],
            TextbookRefusal.Closed => T["Refusal.Closed", SchoolTime.Date(list.OpensOn), SchoolTime.Date(list.ClosesOn)],
            TextbookRefusal.NotForPupil => T["Refusal.NotForPupil", child.FirstName],
            TextbookRefusal.InsufficientFunds => T["Refusal.InsufficientFunds", Money.Format(result.AvailableCents ?? 0)],
            TextbookRefusal.MissingChoice or TextbookRefusal.CompulsoryNotNeeded => T[$"Refusal.{result.Refusal}", item],
            var refusal => T[$"Refusal.{refusal}"],
        };
    }
}