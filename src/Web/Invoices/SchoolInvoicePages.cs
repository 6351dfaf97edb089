using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Payments;
using ItSchool.Platform;
using ItSchool.Platform.Database;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Management;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using ItSchool.Web.Work;
using ItSchool.Work;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.Invoices;

/// <summary>The manager's "Factures": the list with its filters and export, a new invoice, credit notes, settings.</summary>
public static class SchoolInvoicePages
{
    public static void MapSchoolInvoices(this RouteGroupBuilder school)
    {
        var manager = school.MapGroup("/gestion/factures").RequireAuthorization(nameof(Role.Manager));

        manager.MapGet("/", async (HttpContext context, InvoiceList list, PupilRegistry registry, TimeProvider clock, [AsParameters] ListQuery query) =>
        {
            var schoolId = context.School()!.Id;
            return new RazorComponentResult<SchoolInvoicesPage>(new
            {
                Query = query,
                List = await list.PageAsync(query.Filter(schoolId), InvoiceStates.Today(clock), PageRequest.Parse(query.PageText), context.RequestAborted),
                Classes = await registry.ClassesAsync(schoolId, context.RequestAborted),
                Pupil = query.Pupil is { } p ? await registry.FindAsync(schoolId, p, context.RequestAborted) : null,
                ReminderKey = Guid.NewGuid().ToString(),
            });
        });

        manager.MapGet("/export.csv", async (HttpContext context, InvoiceList list, TimeProvider clock, IStringLocalizer<InvoiceText> T,
            [AsParameters] ListQuery query) =>
        {
            var rows = await list.SearchAsync(query.Filter(context.School()!.Id), InvoiceStates.Today(clock), context.RequestAborted);
            await using var csv = CsvExport.Start(context.Response, "factures.csv");
            await csv.RowAsync(T["Column.Number"], T["Column.Pupil"], T["Column.Class"], T["Column.Label"],
                T["Column.Issued"], T["Column.Due"], T["Column.Total"], T["Column.Paid"], T["Column.Credited"], T["Column.Remaining"],
                T["Column.State"], T["Column.Communication"]);
            foreach (var row in rows)
            {
                await csv.RowAsync(row.Number, row.PupilName, row.ClassName, row.Label,
                    row.IssuedOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), row.DueOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
                    CsvExport.Amount(row.TotalCents), CsvExport.Amount(row.PaidCents),
                    CsvExport.Amount(row.CreditedCents), CsvExport.Amount(row.RemainingCents),
                    T[$"State.{row.State}"], StructuredCommunication.From(row.Communication).ToString());
            }
            return Results.Empty;
        });

        manager.MapGet("/nouvelle", async (HttpContext context, PupilRegistry registry, TimeProvider clock) =>
            await NewInvoicePageAsync(context, registry, new NewInvoiceForm { IssuedOn = InvoiceStates.Today(clock).ToString("yyyy-MM-dd") }, null));

        manager.MapPost("/nouvelle", async (HttpContext context, PupilRegistry registry, InvoiceList list, IGrainFactory grains, WorkItems work,
            BackgroundWork background, [FromForm] NewInvoiceForm? form) =>
        {
            form ??= new();
            var schoolId = context.School()!.Id;
            if (form.Read(schoolId, Actor(context)) is not { } request)
            {
                return await NewInvoicePageAsync(context, registry, form, form.Problem);
            }
            var chosen = (form.Pupils ?? []).Select(p => Guid.TryParse(p, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();
            var classes = (form.Classes ?? []).Append(form.ClassName).OfType<string>().Where(c => !string.IsNullOrWhiteSpace(c)).Distinct().ToList();
            var pupils = await list.PupilsAsync(schoolId, classes, chosen, context.RequestAborted);
            // A ticked pupil who is not the school's (a forged id) stops the whole form.
            if (pupils.Count == 0 || chosen.Except(pupils).Any())
            {
                return await NewInvoicePageAsync(context, registry, form, "Problem.NoPupils");
            }
            if (pupils.Count > NewInvoicesWork.InlineAtMost)
            {
                var id = await work.QueueAsync(schoolId, NewInvoicesWork.Name, form.Key!, new NewInvoicesWork.Arguments(form.Key!, request, pupils),
                    request.CausedBy.Name!, context.RequestAborted);
                return await WorkPages.FollowAsync(context, background, id);
            }
            foreach (var pupil in pupils)
            {
                // One id per form and pupil: the same form sent twice issues each pupil's invoice once.
                var result = await grains.GetGrain<IInvoiceGrain>(InvoiceId(form.Key!, pupil)).IssueAsync(request with { PupilId = pupil });
                if (result.Problem is { } problem)
                {
                    return await NewInvoicePageAsync(context, registry, form, $"Problem.{problem}");
                }
            }
            return Redirect(context, "gestion/factures", "factures-emises", pupils.Count);
        });

        manager.MapGet("/{id:guid}", async (Guid id, HttpContext context, IGrainFactory grains, [AsParameters] InvoicePageStores stores,
            IPaymentProvider provider) =>
            await InvoicePageAsync(context, grains, stores, provider, id, new()));

        manager.MapGet("/{id:guid}/facture.pdf", async (Guid id, HttpContext context, IGrainFactory grains,
            [AsParameters] InvoicePages.InvoicePdfSources sources) =>
            await OwnInvoiceAsync(context, grains, id) is { } invoice
                ? await InvoicePages.PdfAsync(context, sources, (await invoice.GetAsync())!)
                : Results.NotFound());

        manager.MapPost("/{id:guid}/note-de-credit", async (Guid id, HttpContext context, IGrainFactory grains, [AsParameters] InvoicePageStores stores,
            IPaymentProvider provider, ProviderRefunds refunds, ILogger<InvoiceText> logger, [FromForm] CreditNoteForm? form) =>
        {
            form ??= new();
            if (await OwnInvoiceAsync(context, grains, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            long? amount = null;
            if (!string.IsNullOrWhiteSpace(form.Amount))
            {
                if (!Money.TryParseCents(form.Amount, out var cents))
                {
                    return await InvoicePageAsync(context, grains, stores, provider, id, new(Credit: form, CreditProblem: "Problem.InvalidAmount"));
                }
                amount = cents;
            }
            var reason = form.Reason?.Trim() ?? "";
            if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > InvoiceLimits.Key || reason.Length is 0 or > InvoiceLimits.Note)
            {
                return await InvoicePageAsync(context, grains, stores, provider, id, new(Credit: form, CreditProblem: "Problem.ReasonNeeded"));
            }
            ExcessHandling? refundTo = form.RefundTo switch
            {
                "wallet" => ExcessHandling.Wallet,
                "school" => ExcessHandling.Refund,
                "online" => ExcessHandling.Provider,
                _ => null,
            };
            var outcome = await invoice.CreditAsync(new CreditNote(form.Key, amount, reason, Actor(context), refundTo));
            if (!outcome.Accepted)
            {
                return await InvoicePageAsync(context, grains, stores, provider, id, new(Credit: form, CreditProblem: $"Credit.Decline.{outcome.Reason}"));
            }
            if (outcome.Excess == ExcessHandling.Provider)
            {
                try
                {
                    // At once, so the page already says it; the refund job asks again for what the provider could not take now.
                    await refunds.RunPendingAsync(id, context.RequestAborted);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(e, "Refunds of invoice {InvoiceId} stay pending for the refund job", id);
                }
            }
            return Redirect(context, $"gestion/factures/{id}", outcome.ExcessCents > 0 ? $"note-de-credit-{Notice(outcome.Excess)}" : "note-de-credit");
        });

        manager.MapPost("/{id:guid}/trop-percu", async (Guid id, HttpContext context, IGrainFactory grains, [AsParameters] InvoicePageStores stores,
            IPaymentProvider provider, [FromForm] SettlementForm? form) =>
        {
            form ??= new();
            if (await OwnInvoiceAsync(context, grains, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            var flagged = (await invoice.GetAsync())!.FlaggedCents;
            var amount = flagged;
            if (!string.IsNullOrWhiteSpace(form.Amount) && !Money.TryParseCents(form.Amount, out amount))
            {
                return await InvoicePageAsync(context, grains, stores, provider, id, new(Settlement: form, SettlementProblem: "Problem.InvalidAmount"));
            }
            ExcessHandling? to = form.To switch { "wallet" => ExcessHandling.Wallet, "refund" => ExcessHandling.Refund, _ => null };
            var note = form.Note?.Trim() ?? "";
            if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > InvoiceLimits.Key || to is null || note.Length > InvoiceLimits.Note
                || (to == ExcessHandling.Refund && note.Length == 0))
            {
                return await InvoicePageAsync(context, grains, stores, provider, id, new(Settlement: form, SettlementProblem: "Problem.SettlementNeedsChoice"));
            }
            var outcome = await invoice.SettleExcessAsync(new ExcessSettlement(form.Key, amount, to.Value, note, Actor(context)));
            return outcome.Accepted
                ? Redirect(context, $"gestion/factures/{id}", to == ExcessHandling.Wallet ? "trop-percu-portefeuille" : "trop-percu-rembourse")
                : await InvoicePageAsync(context, grains, stores, provider, id, new(Settlement: form, SettlementProblem: $"Settlement.Decline.{outcome.Reason}"));
        });

        manager.MapSchoolInvoiceActions();

        manager.MapGet("/frais", async (HttpContext context, Charges charges, PupilRegistry registry, TimeProvider clock) =>
            await ChargesPageAsync(context, charges, registry, clock, null, null));

        manager.MapPost("/frais/import", async (HttpContext context, Charges charges, PupilRegistry registry, TimeProvider clock,
            [FromForm(Name = "fichier")] IFormFile? file) =>
        {
            string? text = null;
            if (file is { Length: > 0 and <= 2_000_000 })
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, context.RequestAborted);
                text = CsvText.Decode(buffer.ToArray());
            }
            var result = text is null
                ? new ChargeImportResult(0, 0, [new(1, ChargeProblem.Unreadable)])
                : await charges.ImportAsync(context.School()!.Id, text, clock.GetUtcNow(), context.RequestAborted);
            return await ChargesPageAsync(context, charges, registry, clock, result, null);
        });

        manager.MapPost("/frais/ajouter", async (HttpContext context, Charges charges, PupilRegistry registry, TimeProvider clock,
            [FromForm] ChargeForm? form) =>
        {
            form ??= new();
            var problem = await charges.AddAsync(context.School()!.Id, form.Pupil, form.ChargedOn, form.Label, form.Quantity, form.UnitPrice,
                clock.GetUtcNow(), context.RequestAborted);
            return problem is null
                ? Redirect(context, "gestion/factures/frais", "frais-ajoute")
                : await ChargesPageAsync(context, charges, registry, clock, null, $"Charges.AddError.{problem}");
        });

        // A whole school's invoices take a while: they are issued as background work, whose page ends on the invoices.
        manager.MapPost("/frais/facturer", async (HttpContext context, Charges charges, PupilRegistry registry, TimeProvider clock, WorkItems work,
            BackgroundWork background, [FromForm] GroupedForm? form) =>
        {
            form ??= new();
            if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > InvoiceLimits.Key || string.IsNullOrWhiteSpace(form.Label)
                || form.Label.Trim().Length > InvoiceLimits.Label
                || !DateOnly.TryParseExact(form.From, "yyyy-MM-dd", out var from) || !DateOnly.TryParseExact(form.To, "yyyy-MM-dd", out var to)
                || !DateOnly.TryParseExact(form.DueOn, "yyyy-MM-dd", out var due) || to < from || due < InvoiceStates.Today(clock))
            {
                return await ChargesPageAsync(context, charges, registry, clock, null, "Problem.GroupedForm");
            }
            var actor = Actor(context);
            var id = await work.QueueAsync(context.School()!.Id, GroupedInvoicesWork.Name, form.Key,
                new GroupedInvoicesWork.Arguments(form.Key, form.Label.Trim(), from, to, InvoiceStates.Today(clock), due, actor.Id!, actor.Name!),
                actor.Name!, context.RequestAborted);
            return await WorkPages.FollowAsync(context, background, id);
        });

        manager.MapGet("/reglages", async (HttpContext context, InvoiceSettingsStore settings, OverdueReminders reminders) =>
            new RazorComponentResult<InvoiceSettingsPage>(new
            {
                Settings = await settings.LoadAsync(context.School()!.Id, context.RequestAborted),
                ReminderDays = string.Join(", ", await reminders.LoadDaysAsync(context.School()!.Id, context.RequestAborted)),
            }));

        manager.MapPost("/reglages", async (HttpContext context, InvoiceSettingsStore store, OverdueReminders reminders, [FromForm] SettingsForm? form) =>
        {
            form ??= new();
            var settings = new InvoiceSettings(form.BankTransfer, form.Online, form.Wallet, form.PartialWallet,
                form.Overpayment == "flag" ? ExcessHandling.Flag : ExcessHandling.Wallet);
            var days = (form.ReminderDays ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries)
                .Select(d => int.TryParse(d, out var n) && n is >= 1 and <= 365 ? n : -1).ToList();
            if (days.Contains(-1) || days.Count > 5)
            {
                return (IResult)new RazorComponentResult<InvoiceSettingsPage>(new
                {
                    Settings = settings,
                    ReminderDays = form.ReminderDays ?? "",
                    Problem = "Problem.InvalidReminderDays",
                });
            }
            await store.SaveAsync(context.School()!.Id, settings, context.RequestAborted);
            await reminders.SaveDaysAsync(context.School()!.Id, days, context.RequestAborted);
            return Redirect(context, "gestion/factures/reglages", "reglages-factures");
        });
    }

    /// <summary>The invoice, if it is this school's: another school's id answers as if it did not exist.</summary>
    internal static async Task<IInvoiceGrain?> OwnInvoiceAsync(HttpContext context, IGrainFactory grains, Guid id)
    {
        var invoice = grains.GetGrain<IInvoiceGrain>(id);
        return (await invoice.GetAsync())?.SchoolId == context.School()!.Id ? invoice : null;
    }

    /// <summary>The forms of the manager's invoice page, as sent back with their problem; fresh ones get a new key.</summary>
    internal sealed record PageForms(CreditNoteForm? Credit = null, string? CreditProblem = null, SettlementForm? Settlement = null,
        string? SettlementProblem = null, PaymentForm? Payment = null, string? PaymentProblem = null, string? ReminderProblem = null);

    /// <summary>What the manager's invoice page reads besides the invoice.</summary>
    internal sealed record InvoicePageStores(PupilRegistry Pupils, ProviderRefunds Refunds, OverdueReminders Reminders);

    internal static async Task<IResult> InvoicePageAsync(HttpContext context, IGrainFactory grains, InvoicePageStores stores, IPaymentProvider provider,
        Guid id, PageForms forms)
    {
        if (await OwnInvoiceAsync(context, grains, id) is not { } invoice)
        {
            return Results.NotFound();
        }
        var view = (await invoice.GetAsync())!;
        return new RazorComponentResult<SchoolInvoicePage>(new
        {
            Invoice = view,
            Pupil = await stores.Pupils.FindAsync(view.SchoolId, view.PupilId, context.RequestAborted),
            Refunds = await stores.Refunds.ForInvoiceAsync(id, context.RequestAborted),
            LastReminder = await stores.Reminders.LastAsync(id, context.RequestAborted),
            OnlineRefunds = provider is not OfflineProvider,
            Form = forms.Credit ?? new CreditNoteForm { Key = Guid.NewGuid().ToString() },
            Problem = forms.CreditProblem,
            Settlement = forms.Settlement ?? new SettlementForm { Key = Guid.NewGuid().ToString() },
            SettlementProblem = forms.SettlementProblem,
            Payment = forms.Payment ?? new PaymentForm { Key = Guid.NewGuid().ToString() },
            PaymentProblem = forms.PaymentProblem,
            ReminderKey = Guid.NewGuid().ToString(),
            ReminderProblem = forms.ReminderProblem,
        });
    }

    static async Task<IResult> ChargesPageAsync(HttpContext context, Charges charges, PupilRegistry registry, TimeProvider clock, ChargeImportResult? import,
        string? problem)
    {
        var today = InvoiceStates.Today(clock);
        return new RazorComponentResult<ChargesPage>(new
        {
            Charges = await charges.UnbilledAsync(context.School()!.Id, cancellationToken: context.RequestAborted),
            Pupils = await registry.ListAsync(context.School()!.Id, null, context.RequestAborted),
            Today = today,
            Import = import,
            Problem = problem,
            Key = Guid.NewGuid().ToString(),
            From = new DateOnly(today.Year, today.Month, 1).AddMonths(-1),
            To = new DateOnly(today.Year, today.Month, 1).AddDays(-1),
            DueOn = today.AddDays(30),
        });
    }

    static async Task<IResult> NewInvoicePageAsync(HttpContext context, PupilRegistry registry, NewInvoiceForm form, string? problem)
    {
        var schoolId = context.School()!.Id;
        form.Key ??= Guid.NewGuid().ToString();
        return new RazorComponentResult<NewInvoicePage>(new
        {
            Form = form,
            Problem = problem,
            Classes = await registry.ClassesAsync(schoolId, context.RequestAborted),
            Pupils = await registry.ListAsync(schoolId, null, context.RequestAborted),
        });
    }

    static string Notice(ExcessHandling? refundTo) => refundTo switch
    {
        ExcessHandling.Wallet => "portefeuille",
        ExcessHandling.Provider => "en-ligne",
        _ => "ecole",
    };

    internal static Actor Actor(HttpContext context)
    {
        var user = SignedInUser.From(context.User)!;
        return new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
    }

    internal static RedirectHttpResult Redirect(HttpContext context, string page, string notice, int? count = null) =>
        Flash.Redirect(context, page, notice, count);

    internal static Guid InvoiceId(string formKey, Guid pupil)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"invoice-form/{formKey}/{pupil}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>The list's query string, read leniently: what does not parse is no filter.</summary>
    public sealed class ListQuery
    {
        [FromQuery(Name = "classe")] public string? ClassName { get; set; }
        [FromQuery(Name = "etat")] public string? StateText { get; set; }
        [FromQuery(Name = "eleve")] public string? PupilText { get; set; }
        [FromQuery(Name = "retard")] public string? OverdueText { get; set; }
        [FromQuery(Name = "trop-percu")] public string? FlaggedText { get; set; }
        /// <summary>The page of the list; never part of <see cref="Query"/>, which the export and the pager use.</summary>
        [FromQuery(Name = "page")] public string? PageText { get; set; }

        public InvoiceState? State => Enum.TryParse<InvoiceState>(StateText, out var s) && Enum.IsDefined(s) ? s : null;
        public Guid? Pupil => Guid.TryParse(PupilText, out var p) ? p : null;
        public bool Overdue => OverdueText is "1" or "on" or "true";
        public bool Flagged => FlaggedText is "1" or "on" or "true";

        public InvoiceFilter Filter(Guid schoolId) =>
            new(schoolId, string.IsNullOrWhiteSpace(ClassName) ? null : ClassName, State, Pupil, Overdue, Flagged);

        public string Query() => string.Join('&', new[]
        {
            string.IsNullOrWhiteSpace(ClassName) ? null : $"classe={Uri.EscapeDataString(ClassName)}",
            State is { } s ? $"etat={s}" : null,
            Pupil is { } p ? $"eleve={p}" : null,
            Overdue ? "retard=1" : null,
            Flagged ? "trop-percu=1" : null,
        }.Where(part => part is not null));

        /// <summary>The filters and, past the first, the page: where the list comes back to after an action on it.</summary>
        public string Query(int page) => string.Join('&', new[] { Query(), page > 1 ? $"page={page}" : "" }.Where(part => part.Length > 0));
    }

    public sealed class NewInvoiceForm
    {
        public const int LineCount = 5;

        public string? Key { get; set; }
        /// <summary>One whole class (the older form's field, still read).</summary>
        public string? ClassName { get; set; }
        /// <summary>Whole classes ticked in the picker: every pupil of each.</summary>
        public string[]? Classes { get; set; }
        public string[]? Pupils { get; set; }
        public string? Label { get; set; }
        public string? IssuedOn { get; set; }
        public string? DueOn { get; set; }
        public string[]? LineLabel { get; set; }
        public string[]? Quantity { get; set; }
        public string[]? UnitPrice { get; set; }

        public string? Problem { get; private set; }

        /// <summary>The invoice the form describes (for no pupil yet), or null with <see cref="Problem"/> set.</summary>
        public NewInvoice? Read(Guid schoolId, Actor actor)
        {
            var lines = new List<InvoiceLine>();
            for (var i = 0; i < LineCount; i++)
            {
                var label = LineLabel?.ElementAtOrDefault(i)?.Trim();
                var quantity = Quantity?.ElementAtOrDefault(i);
                var price = UnitPrice?.ElementAtOrDefault(i);
                if (string.IsNullOrWhiteSpace(label) && string.IsNullOrWhiteSpace(price))
                {
                    continue;
                }
                if (label?.Length > InvoiceLimits.LineLabel)
                {
                    Problem = "Problem.LineLabelTooLong";
                    return null;
                }
                if (string.IsNullOrWhiteSpace(label) || !int.TryParse(string.IsNullOrWhiteSpace(quantity) ? "1" : quantity, out var q) || q <= 0
                    || !Money.TryParseCents(price, out var cents))
                {
                    Problem = "Problem.InvalidLine";
                    return null;
                }
                lines.Add(new InvoiceLine(label, q, cents));
            }
            if (string.IsNullOrWhiteSpace(Key) || Key.Length > InvoiceLimits.Key)
            {
                Problem = "Problem.ExpiredForm";
            }
            else if (string.IsNullOrWhiteSpace(Label))
            {
                Problem = "Problem.NoLabel";
            }
            else if (Label.Trim().Length > InvoiceLimits.Label)
            {
                Problem = "Problem.LabelTooLong";
            }
            else if (lines.Count == 0)
            {
                Problem = "Problem.NoLines";
            }
            else if (!DateOnly.TryParseExact(IssuedOn, "yyyy-MM-dd", out var issued) || !DateOnly.TryParseExact(DueOn, "yyyy-MM-dd", out var due))
            {
                Problem = "Problem.InvalidDates";
            }
            else if (due < issued)
            {
                Problem = "Problem.DueBeforeIssue";
            }
            else
            {
                return new NewInvoice(schoolId, Guid.Empty, Label.Trim(), issued, due, lines, actor);
            }
            return null;
        }
    }

    public sealed class CreditNoteForm
    {
        public string? Key { get; set; }
        public string? Amount { get; set; }
        public string? Reason { get; set; }
        /// <summary>Where paid money the note credits goes back: "wallet", "school" (the school's own transfer) or "online".</summary>
        public string? RefundTo { get; set; }
    }

    /// <summary>A payment the school took itself; the key, drawn when the page is shown, makes a double submit one payment.</summary>
    public sealed class PaymentForm
    {
        public string? Key { get; set; }
        public string? Amount { get; set; }
        /// <summary>"cash" or "other".</summary>
        public string? Method { get; set; }
        public string? Note { get; set; }
    }

    /// <summary>The manager's decision on a flagged excess; the key, drawn when the page is shown, makes a double submit one settlement.</summary>
    public sealed class SettlementForm
    {
        public string? Key { get; set; }
        public string? Amount { get; set; }
        /// <summary>"wallet" or "refund".</summary>
        public string? To { get; set; }
        public string? Note { get; set; }
    }

    public sealed class ChargeForm
    {
        public string? Pupil { get; set; }
        public string? ChargedOn { get; set; }
        public string? Label { get; set; }
        public string? Quantity { get; set; }
        public string? UnitPrice { get; set; }
    }

    public sealed class GroupedForm
    {
        public string? Key { get; set; }
        public string? Label { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
        public string? DueOn { get; set; }
    }

    public sealed class SettingsForm
    {
        public bool BankTransfer { get; set; }
        public bool Online { get; set; }
        public bool Wallet { get; set; }
        public bool PartialWallet { get; set; }
        public string? Overpayment { get; set; }
        public string? ReminderDays { get; set; }
    }
}