using ItSchool.Accounts;
using ItSchool.Orders;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Orders;

/// <summary>The school's side of the orders: its forms, their articles and proofs, the totals, the export, the hand-out.</summary>
public static class SchoolOrderPages
{
    public const string Root = "gestion/commandes";

    public static void MapSchoolOrders(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, [AsParameters] SchoolOrderServices services) =>
            new RazorComponentResult<SchoolOrdersPage>(new
            {
                Forms = await services.Admin.ListAsync(context.School()!.Id, context.RequestAborted),
                Compartments = await services.Compartments.LoadAsync(context.School()!.Id, context.RequestAborted),
            }));

        admin.MapGet("/nouveau", async (HttpContext context, [AsParameters] SchoolOrderServices services) =>
            await EditPageAsync(context, services, null, SchoolOrderFields.Blank(SchoolTime.Today(services.Clock)), []));

        admin.MapPost("/nouveau", async (HttpContext context, [AsParameters] SchoolOrderServices services) =>
            await SaveAsync(context, services, null));

        admin.MapGet("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
            await services.Admin.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } form
                ? await EditPageAsync(context, services, form, SchoolOrderFields.Of(form), [])
                : Results.NotFound());

        admin.MapPost("/{id:guid}/modifier", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
            await services.Admin.FindAsync(context.School()!.Id, id, context.RequestAborted) is { } form
                ? await SaveAsync(context, services, form)
                : Results.NotFound());

        admin.MapGet("/{id:guid}", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
        {
            var schoolId = context.School()!.Id;
            if (await services.Admin.FindAsync(schoolId, id, context.RequestAborted) is not { } form)
            {
                return Results.NotFound();
            }
            return new RazorComponentResult<SchoolOrderPage>(new
            {
                Form = form,
                Totals = await services.Admin.TotalsAsync(schoolId, id, context.RequestAborted),
                Orders = await services.Admin.OrdersAsync(schoolId, id, context.RequestAborted),
                Stock = await services.Grains.OrderForm(id).GetStockAsync(),
                Compartments = await services.Compartments.LoadAsync(schoolId, context.RequestAborted),
            });
        });

        admin.MapPost("/{id:guid}/livrer", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
        {
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var ids = posted["OrderId"].Select(v => Guid.TryParse(v, out var order) ? order : Guid.Empty).Where(g => g != Guid.Empty).ToList();
            return await DeliverAsync(context, services, id, ids);
        });

        admin.MapPost("/{id:guid}/commandes/{orderId:guid}/livrer", async (Guid id, Guid orderId, HttpContext context,
            [AsParameters] SchoolOrderServices services) => await DeliverAsync(context, services, id, [orderId]));

        admin.MapPost("/{id:guid}/commandes/{orderId:guid}/annuler", async (Guid id, Guid orderId, HttpContext context,
            [AsParameters] SchoolOrderServices services) =>
        {
            var schoolId = context.School()!.Id;
            var orders = await services.Admin.OrdersAsync(schoolId, id, context.RequestAborted);
            if (orders.FirstOrDefault(o => o.Order.Id == orderId) is not { } order)
            {
                return Results.NotFound();
            }
            var result = await services.Grains.OrderForm(id).CancelAsync(new CancelOrder(schoolId, orderId, order.Order.PupilId, Actor(context), BySchool: true));
            return result.Refusal switch
            {
                null => Flash.Redirect(context, $"{Root}/{id}", "cancelled"),
                OrderCancelRefusal.UnknownOrder => Results.NotFound(),
                var refusal => Flash.Redirect(context, $"{Root}/{id}", $"cancel-{refusal.ToString()!.ToLowerInvariant()}"),
            };
        });

        admin.MapGet("/{id:guid}/export.csv", async (Guid id, HttpContext context, [AsParameters] SchoolOrderServices services) =>
        {
            var schoolId = context.School()!.Id;
            if (await services.Admin.FindAsync(schoolId, id, context.RequestAborted) is not { } form)
            {
                return Results.NotFound();
            }
            var csv = SchoolOrderExport.Csv(await services.Admin.TotalsAsync(schoolId, id, context.RequestAborted),
                await services.Admin.OrdersAsync(schoolId, id, context.RequestAborted), services.T);
            return Results.File(csv, "text/csv; charset=utf-8", SchoolOrderExport.FileName(form));
        });

        admin.MapSchoolOrderProofs();
    }

    public sealed record SchoolOrderServices(OrderFormAdmin Admin, PupilRegistry Pupils, IGrainFactory Grains, CompartmentSettingsStore Compartments, TimeProvider Clock,
        IStringLocalizer<OrderAdminText> T);

    internal static Actor Actor(HttpContext context)
    {
        var user = SignedInUser.From(context.User)!;
        return new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
    }

    static async Task<IResult> DeliverAsync(HttpContext context, SchoolOrderServices services, Guid formId, IReadOnlyList<Guid> orderIds)
    {
        var schoolId = context.School()!.Id;
        if (await services.Admin.FindAsync(schoolId, formId, context.RequestAborted) is null)
        {
            return Results.NotFound();
        }
        // Only this form's orders: an id of another form (or school) is dropped, never handed to the grain.
        var mine = (await services.Admin.OrdersAsync(schoolId, formId, context.RequestAborted)).Select(o => o.Order.Id).ToHashSet();
        var wanted = orderIds.Where(mine.Contains).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return Flash.Redirect(context, $"{Root}/{formId}", "none-selected");
        }
        var changed = await services.Grains.OrderForm(formId).MarkDeliveredAsync(wanted, Actor(context));
        return Flash.Redirect(context, $"{Root}/{formId}", "delivered", changed);
    }

    static async Task<IResult> SaveAsync(HttpContext context, SchoolOrderServices services, OrderForm? existing)
    {
        var schoolId = context.School()!.Id;
        var fields = SchoolOrderFields.Read(await context.Request.ReadFormAsync(context.RequestAborted));
        if (fields.ContainsKey("More"))
        {
            // "Ajouter un article": the same form, one empty row more, nothing saved.
            return await EditPageAsync(context, services, existing, fields, [], extraRows: 1 + SchoolOrderFields.Rows(fields));
        }
        var id = existing?.Id ?? Guid.CreateVersion7();
        var (draft, found) = SchoolOrderFields.Draft(fields, id, schoolId);
        var user = SignedInUser.From(context.User)!;
        var saved = await services.Admin.SaveAsync(draft, existing is null, found, user.DisplayName, services.Clock.GetUtcNow(), context.RequestAborted);
        if (saved.NotFound)
        {
            return Results.NotFound();
        }
        return saved.Saved
            ? Flash.Redirect(context, $"{Root}/{id}", existing is null ? "created" : "changed")
            : await EditPageAsync(context, services, existing, fields, [.. saved.Problems.Select(p => Message(p, services.T)).Distinct()]);
    }

    static string Message(FormProblem problem, IStringLocalizer<OrderAdminText> T) =>
        T[$"Problem.{problem.Code}", problem.Detail ?? "", problem.Count ?? 0].Value;

    static async Task<IResult> EditPageAsync(HttpContext context, SchoolOrderServices services, OrderForm? form,
        IReadOnlyDictionary<string, IReadOnlyList<string>> fields, IReadOnlyList<string> problems, int? extraRows = null)
    {
        var schoolId = context.School()!.Id;
        return new RazorComponentResult<SchoolOrderEditPage>(new
        {
            Form = form,
            Fields = fields,
            Problems = problems,
            Classes = await services.Pupils.ClassesAsync(schoolId, context.RequestAborted),
            Compartments = await services.Compartments.LoadAsync(schoolId, context.RequestAborted),
            Ordered = form is null ? new Dictionary<(string, string), int>() : await services.Admin.OrderedAsync(form.Id, context.RequestAborted),
            RowCount = extraRows ?? Math.Max(SchoolOrderFields.Rows(fields), SchoolOrderFields.Filled(fields) + 1),
        });
    }
}