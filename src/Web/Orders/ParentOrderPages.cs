using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Operators;
using ItSchool.Orders;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace ItSchool.Web.Orders;

/// <summary>
/// The parents' side of the orders, for the child whose account is open: the forms open to the child today and its
/// earlier orders, a form's page (the proofs of a photo order, the articles, the quantities, the total), ordering through
/// the form's grain, the summary with the payment and the confirmation's PDF, and cancelling while the form is open. A form
/// not meant for the open child's class, or an order of another child, answers 404.
/// </summary>
public static class ParentOrderPages
{
    /// <summary>At or under this many left, the page says how many ("plus que 3").</summary>
    public const int LowStock = 5;

    public static void AddParentOrders(this WebApplicationBuilder builder) => builder.Services.AddSingleton<ParentOrders>();

    public static void MapParentOrders(this RouteGroupBuilder school)
    {
        var orders = school.MapGroup("/commandes").RequireAuthorization(nameof(Role.Parent));

        orders.MapGet("", async (HttpContext context, [AsParameters] OrderServices services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.Redirect($"{context.Request.PathBase}/comptes");
            }
            var today = SchoolTime.Today(services.Clock);
            var open = await services.Queries.OpenFormsAsync(child.SchoolId, child.Id, today, context.RequestAborted);
            var earlier = await services.Store.PupilOrdersAsync(child.SchoolId, child.Id, context.RequestAborted);
            var forms = await services.Queries.FormsAsync(child.SchoolId, [.. earlier.Select(o => o.FormId).Distinct()], context.RequestAborted);
            return new RazorComponentResult<ParentOrdersPage>(new { Child = child, Open = open, Orders = earlier, Forms = forms });
        });

        orders.MapGet("/{formId:guid}", async (Guid formId, HttpContext context, [AsParameters] OrderServices services) =>
            await ChildFormAsync(context, services, formId) is var (child, form)
                ? new RazorComponentResult<ParentOrderFormPage>(new { Model = await FormModelAsync(services, child, form, Chosen.None, null, context.RequestAborted) })
                : Results.NotFound());

        orders.MapPost("/{formId:guid}", async (Guid formId, HttpContext context, [AsParameters] OrderServices services) =>
        {
            if (await ChildFormAsync(context, services, formId) is not var (child, form))
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var user = SignedInUser.From(context.User)!;
            switch (await context.PostedChildAsync(services.Pupils, child, posted["Pupil"]))
            {
                case PostedChild.AnotherOfTheirs:
                    return Form(await FormModelAsync(services, child, form, Chosen.None, new Problem(services.T["Refusal.WrongChild", child.FirstName]),
                        context.RequestAborted));
                case PostedChild.NotTheirs:
                    return Results.NotFound();
            }
            if (Chosen.Read(posted, form) is not { } chosen)
            {
                return Form(await FormModelAsync(services, child, form, Chosen.None, new Problem(services.T["Refusal.InvalidQuantity", OrderLimits.MaxQuantity]),
                    context.RequestAborted));
            }
            var key = posted["Key"].ToString();
            if (key.Length is 0 or > OrderLimits.Key - 10 || !long.TryParse(posted["ExpectedTotalCents"], NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
            {
                // No total shown (a page without script): the page shows the total of these quantities, and the next click orders at it.
                return Form(await FormModelAsync(services, child, form, chosen, new Problem(services.T["Refusal.CheckTotal"]), context.RequestAborted));
            }
            var result = await services.Grains.OrderForm(form.Id).PlaceAsync(new PlaceOrder($"parent/{key}", child.SchoolId, child.Id, chosen.Lines,
                expected, new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)));
            if (result.Order is { } order)
            {
                return Flash.Redirect(context, $"commandes/{form.Id}/{order.Id}", "placed");
            }
            // The grain read the form again when it refused at another price: the page shows it as it is now.
            var fresh = result.Refusal == OrderRefusal.PriceChanged ? await services.Store.LoadFormAsync(form.Id, context.RequestAborted) ?? form : form;
            return Form(await FormModelAsync(services, child, fresh, chosen, Refusal(services.T, form, child, result), context.RequestAborted));
        });

        orders.MapGet("/{formId:guid}/epreuves/{proofId:guid}", async (Guid formId, Guid proofId, HttpContext context, [AsParameters] OrderServices services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child
                || await services.Proofs.ProofAsync(child.SchoolId, formId, proofId, context.RequestAborted) is not { } proof
                || proof.PupilId != child.Id)
            {
                return Results.NotFound();
            }
            // A picture the school uploaded, shown in the page and never taken for anything but the type it was stored as.
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "private, max-age=3600";
            context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("inline") { FileNameStar = proof.FileName }.ToString();
            return Results.Bytes(proof.Data, proof.ContentType);
        });

        orders.MapGet("/{formId:guid}/{orderId:guid}", async (Guid formId, Guid orderId, HttpContext context, [AsParameters] OrderServices services) =>
            await SummaryAsync(context, services, formId, orderId, null) is { } summary
                ? new RazorComponentResult<ParentOrderSummaryPage>(new { Model = summary })
                : Results.NotFound());

        orders.MapGet("/{formId:guid}/{orderId:guid}/annuler", async (Guid formId, Guid orderId, HttpContext context, [AsParameters] OrderServices services) =>
            await SummaryAsync(context, services, formId, orderId, null) is { Cancellable: true } summary
                ? new RazorComponentResult<ParentOrderCancelDialog>(new { Model = summary })
                : Results.NotFound());

        orders.MapPost("/{formId:guid}/{orderId:guid}/annuler", async (Guid formId, Guid orderId, HttpContext context, [AsParameters] OrderServices services) =>
        {
            if (await SummaryAsync(context, services, formId, orderId, null) is not { } summary)
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            var result = await services.Grains.OrderForm(formId).CancelAsync(new CancelOrder(summary.Child.SchoolId, orderId, summary.Child.Id,
                new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)));
            if (result.Refusal is { } refusal)
            {
                var said = refusal == OrderCancelRefusal.Closed
                    ? services.T["CancelRefusal.Closed", SchoolTime.Date(summary.Form.ClosesOn)]
                    : services.T[$"CancelRefusal.{refusal}"];
                return new RazorComponentResult<ParentOrderSummaryPage>(new
                {
                    Model = await SummaryAsync(context, services, formId, orderId, new Problem(said.Value)),
                });
            }
            return Flash.Redirect(context, $"commandes/{formId}/{orderId}", result.Settled ? "cancelled" : "cancelling");
        });

        orders.MapGet("/{formId:guid}/{orderId:guid}/confirmation.pdf", async (Guid formId, Guid orderId, HttpContext context, [AsParameters] OrderServices services,
            OperatedSchools schools) =>
        {
            if (await SummaryAsync(context, services, formId, orderId, null) is not { } summary)
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            await services.Queries.OpenConfirmationAsync(summary.Child.SchoolId, summary.Child.Id, orderId, user.Id, services.Clock.GetUtcNow(), context.RequestAborted);
            var school = context.School()!;
            var registered = await schools.FindAsync(school.Id, context.RequestAborted);
            var pdf = OrderConfirmationPdf.Render(summary, new OrderConfirmationPdf.Issuer(school.Name, registered?.PostalAddress, registered?.EnterpriseNumber),
                services.Clock.GetUtcNow(), services.T);
            return Results.File(pdf, "application/pdf", $"commande-{summary.Order.PlacedAt.UtcDateTime:yyyyMMdd}-{orderId.ToString()[..8]}.pdf");
        });
    }

    /// <summary>The parent's card for the open child: each form open to it today, "accessible du … au …".</summary>
    public static async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (!reader.IsParentWithChild(out var child))
        {
            return [];
        }
        var today = SchoolTime.Today(reader.Services.GetRequiredService<TimeProvider>());
        var open = await reader.Services.GetRequiredService<ParentOrders>().OpenFormsAsync(reader.SchoolId, child.Id, today, reader.Aborted);
        return open.Count == 0 ? [] : [DashboardCard.Of<ParentOrderDashboardCard>(20, new { Child = child, Open = open })];
    }

    public sealed record OrderServices(GuardianLinks Pupils, OrderStore Store, ParentOrders Queries, OrderFormAdmin Proofs, IGrainFactory Grains,
        TimeProvider Clock, IStringLocalizer<OrderText> T);

    /// <summary>A sentence saying why nothing was ordered (or cancelled); <see cref="TopUp"/> when topping the wallet up is the way out.</summary>
    public sealed record Problem(string Text, bool TopUp = false);

    /// <summary>An option of an article as the page offers it; <see cref="Left"/> null when the school set no stock.</summary>
    public sealed record OptionRow(string Name, int? Left)
    {
        public bool SoldOut => Left is <= 0;

        public bool Low => Left is > 0 and <= LowStock;
    }

    /// <summary>An article as the page shows it, with the quantity and the option the parent chose (posted back after a refusal).</summary>
    public sealed record ArticleRow(OrderArticle Article, IReadOnlyList<OptionRow> Options, int Quantity, string ChosenOption)
    {
        public bool HasOptions => Options.Count > 1 || Options[0].Name.Length > 0;

        public bool SoldOut => Options.All(o => o.SoldOut);
    }

    /// <param name="Wallet">The compartment a wallet form is paid from, with what it holds: known before the parent orders.</param>
    public sealed record FormModel(Pupil Child, OrderForm Form, bool Open, DateOnly Today, IReadOnlyList<ProofListed> Proofs, IReadOnlyList<ArticleRow> Articles,
        string Key, long TotalCents, Problem? Problem, CompartmentView? Wallet = null);

    /// <summary>An order as its summary shows it: the form, the payment as it stands, whether it may still be cancelled.</summary>
    public sealed record SummaryModel(Pupil Child, OrderForm Form, OrderView Order, bool Cancellable, CompartmentView? Wallet, InvoiceView? Invoice,
        bool InvoicesOn, Problem? Problem)
    {
        public bool Delivered => Order.DeliveredAt is not null;
    }

    /// <summary>The quantities and options a post chose, by article code (a code the form does not know is kept: the grain refuses it by name).</summary>
    public sealed record Chosen(IReadOnlyDictionary<string, (int Quantity, string Option)> ByArticle)
    {
        public static readonly Chosen None = new(new Dictionary<string, (int, string)>());

        public IReadOnlyList<OrderLineRequest> Lines =>
            [.. ByArticle.Where(a => a.Value.Quantity > 0).Select(a => new OrderLineRequest(a.Key, a.Value.Option, a.Value.Quantity))];

        /// <summary>Null when a quantity is not a whole number from 0 to the most one order may hold.</summary>
        public static Chosen? Read(IFormCollection posted, OrderForm form)
        {
            var chosen = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
            foreach (var (name, values) in posted)
            {
                if (!name.StartsWith("q.", StringComparison.Ordinal) || name.Length > 30)
                {
                    continue;
                }
                var text = values.ToString().Trim();
                var quantity = 0;
                if (text.Length > 0 && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out quantity) || quantity > OrderLimits.MaxQuantity))
                {
                    return null;
                }
                var code = name[2..];
                var option = posted[$"o.{code}"].ToString();
                chosen[code] = (quantity, option.Length > 0 || form.Article(code) is not { } article ? option : article.Options[0].Name);
            }
            return new Chosen(chosen);
        }
    }

    static IResult Form(FormModel model) => new RazorComponentResult<ParentOrderFormPage>(new { Model = model });

    /// <summary>The form, if it is of this school and meant for the open child's class; its dates do not matter here (the page says them).</summary>
    static async Task<(Pupil Child, OrderForm Form)?> ChildFormAsync(HttpContext context, OrderServices services, Guid formId)
    {
        if (await context.OpenChildAsync(services.Pupils) is not { } child
            || await services.Store.LoadFormAsync(formId, context.RequestAborted) is not { } form
            || form.SchoolId != child.SchoolId || !form.IsFor(child.ClassName))
        {
            return null;
        }
        return (child, form);
    }

    static async Task<FormModel> FormModelAsync(OrderServices services, Pupil child, OrderForm form, Chosen chosen, Problem? problem,
        CancellationToken cancellationToken)
    {
        var today = SchoolTime.Today(services.Clock);
        var open = form.IsOpenOn(today);
        var proofs = form.Kind == OrderKind.Photos ? await services.Queries.ProofsAsync(child.SchoolId, form.Id, child.Id, cancellationToken) : [];
        var hasStock = form.Articles.Any(a => a.Options.Any(o => o.Stock is not null));
        var left = open && hasStock
            ? (await services.Grains.OrderForm(form.Id).GetStockAsync()).ToDictionary(s => (s.ArticleCode, s.Option), s => s.Left)
            : [];
        var articles = form.Articles.Where(a => !a.Withdrawn).Select(a =>
        {
            var options = a.Options.Select(o => new OptionRow(o.Name, o.Stock is null ? null : left.TryGetValue((a.Code, o.Name), out var n) ? n : o.Stock)).ToList();
            var (quantity, option) = chosen.ByArticle.TryGetValue(a.Code, out var c) ? c : (0, options.FirstOrDefault(o => !o.SoldOut)?.Name ?? options[0].Name);
            return new ArticleRow(a, options, quantity, option);
        }).ToList();
        var total = articles.Sum(a => a.Quantity * a.Article.PriceCents);
        var wallet = open && form.Payment == OrderPayment.Wallet && form.Compartment is { } compartment
            ? (await services.Grains.GetGrain<IPurseGrain>(child.Id).GetPurseAsync()).Compartments.FirstOrDefault(c => c.Compartment == compartment)
            : null;
        // A key per showing of the page: a double click orders once; after a refusal the next click is a new order.
        return new FormModel(child, form, open, today, proofs, articles, Guid.NewGuid().ToString("N"), total, problem, wallet);
    }

    static async Task<SummaryModel?> SummaryAsync(HttpContext context, OrderServices services, Guid formId, Guid orderId, Problem? problem)
    {
        if (await context.OpenChildAsync(services.Pupils) is not { } child)
        {
            return null;
        }
        var order = (await services.Store.PupilOrdersAsync(child.SchoolId, child.Id, context.RequestAborted)).FirstOrDefault(o => o.Id == orderId && o.FormId == formId);
        if (order is null || await services.Store.LoadFormAsync(formId, context.RequestAborted) is not { } form)
        {
            return null;
        }
        var modules = await services.Grains.GetGrain<ISchoolGrain>(child.SchoolId).GetEnabledModulesAsync();
        var wallet = order.Compartment is { } compartment
            ? (await services.Grains.GetGrain<IPurseGrain>(child.Id).GetPurseAsync()).Compartments.FirstOrDefault(c => c.Compartment == compartment)
            : null;
        var invoice = order.InvoiceId is { } invoiceId ? await services.Grains.GetGrain<IInvoiceGrain>(invoiceId).GetAsync() : null;
        var cancellable = order.Status == OrderStatus.Placed && order.DeliveredAt is null && form.IsOpenOn(SchoolTime.Today(services.Clock));
        return new SummaryModel(child, form, order, cancellable, wallet, invoice is { } i && i.PupilId == child.Id ? i : null,
            modules.Contains(SchoolModule.Invoices), problem);
    }

    /// <summary>Every refusal in words, with what explains it: which article, how many are left, what the wallet holds.</summary>
    static Problem Refusal(IStringLocalizer<OrderText> T, OrderForm form, Pupil child, OrderResult result)
    {
        var article = result.ArticleCode is { } code ? form.Article(code) : null;
        var named = article is null ? result.ArticleCode ?? "" : string.IsNullOrEmpty(result.Option) ? article.Label : $"{article.Label} ({result.Option})";
        return result.Refusal switch
        {
            OrderRefusal.NotOpenYet => new(T["Refusal.NotOpenYet", SchoolTime.Date(form.OpensOn), SchoolTime.Date(form.ClosesOn)]),
            OrderRefusal.Closed => new(T["Refusal.Closed", SchoolTime.Date(form.OpensOn), SchoolTime.Date(form.ClosesOn)]),
            OrderRefusal.NotForPupil => new(T["Refusal.NotForPupil", child.FirstName]),
            OrderRefusal.OutOfStock => new(result.Left is > 0 ? T["Refusal.OutOfStock", named, result.Left.Value] : T["Refusal.SoldOut", named]),
            OrderRefusal.OverLimit => new(result.Left is > 0 ? T["Refusal.OverLimit", named, result.Left.Value, child.FirstName] : T["Refusal.LimitReached", named, child.FirstName]),
            OrderRefusal.InsufficientFunds => new(T["Refusal.InsufficientFunds", Money.Format(result.AvailableCents ?? 0)], TopUp: true),
            OrderRefusal.UnknownArticle or OrderRefusal.UnknownOption => new(T[$"Refusal.{result.Refusal}", named]),
            var refusal => new(T[$"Refusal.{refusal}"]),
        };
    }
}