using Htmx;
using ItSchool.Accounts;
using ItSchool.Invoices;
using ItSchool.Operators;
using ItSchool.Payments;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Live;
using ItSchool.Web.Payments;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using ItSchool.Web.Work;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Invoices;

/// <summary>
/// The parent's "Finances › Demandes de paiement" for the child whose account is open: the list with its
/// legend, the details, and paying by transfer or from the wallet.
/// </summary>
public static class InvoicePages
{
    public static void AddInvoices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OverdueReminderJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OverdueReminderJob>());
        builder.Services.AddSingleton<ProviderRefunds>();
        builder.Services.AddSingleton<InvoiceSettingsStore>();
        builder.Services.AddSingleton<InvoiceList>();
        builder.Services.AddSingleton<InvoiceLookup>();
        builder.Services.AddSingleton<OverdueReminders>();
        builder.Services.AddSingleton<Charges>();
        builder.Services.AddSingleton<IWorkKind, GroupedInvoicesWork>();
        builder.Services.AddSingleton<IWorkKind, NewInvoicesWork>();
        builder.Services.AddSingleton<InvoiceRefundJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InvoiceRefundJob>());
        builder.AddLiveTopic<InvoicesLiveTopic>();
    }

    public static void MapInvoices(this RouteGroupBuilder school)
    {
        school.MapSchoolInvoices();
        var invoices = school.MapGroup("/finances/factures").RequireAuthorization(nameof(Role.Parent));

        invoices.MapGet("/", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils, InvoiceList list,
            InvoiceSettingsStore settings, TimeProvider clock, IPaymentProvider provider) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var purse = await grains.GetGrain<IPurseGrain>(pupil).GetPurseAsync();
            return new RazorComponentResult<ParentInvoicesPage>(new
            {
                PupilId = pupil,
                Rows = await RowsAsync(context, list, clock, pupil),
                purse.Compartments,
                PurseVersion = purse.Version,
                Settings = await settings.LoadAsync(context.School()!.Id, context.RequestAborted),
                Online = await OnlineRulesAsync(context, settings, provider),
            });
        });

        // The rows alone: the page asks again whenever the live channel says the child's invoices changed.
        invoices.MapGet("/lignes", async (HttpContext context, GuardianLinks pupils, InvoiceList list, InvoiceSettingsStore settings,
            TimeProvider clock, IPaymentProvider provider) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            return new RazorComponentResult<InvoiceRows>(new
            {
                Rows = await RowsAsync(context, list, clock, pupil),
                Settings = await settings.LoadAsync(context.School()!.Id, context.RequestAborted),
                Online = await OnlineRulesAsync(context, settings, provider),
            });
        });

        invoices.MapGet("/{id:guid}", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils, ProviderRefunds refunds) =>
            await ChildInvoiceAsync(context, grains, pupils, id) is { } invoice
                ? new RazorComponentResult<InvoiceDetailsDialog>(new
                {
                    Invoice = invoice,
                    Refunds = await refunds.ForInvoiceAsync(id, context.RequestAborted),
                })
                : Results.NotFound());

        invoices.MapGet("/{id:guid}/virement", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            WalletSettingsStore walletSettings, InvoiceSettingsStore invoiceSettings) =>
        {
            if (await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            var schoolId = context.School()!.Id;
            var account = await walletSettings.LoadAsync(schoolId, context.RequestAborted);
            var settings = await invoiceSettings.LoadAsync(schoolId, context.RequestAborted);
            var remaining = Math.Max(0, invoice.RemainingCents);
            var qr = account?.Iban is { } iban && remaining > 0
                ? QrCodes.PngBase64(EpcQrPayload.For(account.Beneficiary ?? context.School()!.Name, iban, account.Bic, invoice.Communication, remaining))
                : "";
            return new RazorComponentResult<InvoiceTransferDialog>(new { Invoice = invoice, Account = account, Offered = settings.BankTransferEnabled, QrPng = qr });
        });

        invoices.MapGet("/{id:guid}/facture.pdf", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            [AsParameters] InvoicePdfSources sources) =>
        {
            if (await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            return await PdfAsync(context, sources, invoice);
        });

        invoices.MapPost("/{id:guid}/en-ligne", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            InvoiceSettingsStore settings, IPaymentProvider provider, OnlinePayments payments, ILogger<InvoiceText> logger,
            IStringLocalizer<InvoiceText> T, [FromForm(Name = "Key")] string? key) =>
        {
            if (await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            string problem;
            var rules = await OnlineRulesAsync(context, settings, provider);
            if (rules.Problem(invoice.RemainingCents) is { } refused)
            {
                problem = $"Online.{refused}";
            }
            else if (string.IsNullOrWhiteSpace(key) || key.Length > InvoiceLimits.Key)
            {
                problem = "Problem.ExpiredForm";
            }
            else
            {
                // The attempt row names the pupil's general compartment, which exists once the purse has opened.
                await grains.GetGrain<IPurseGrain>(invoice.PupilId).GetCompartmentsAsync();
                var user = SignedInUser.From(context.User)!;
                var schoolUrl = context.SchoolUrl();
                try
                {
                    var payment = await payments.StartOnceAsync(invoice.SchoolId, invoice.PupilId, 1, invoice.RemainingCents, provider.Name, user.Id,
                        $"invoice/{key}", paymentId => provider.CreateCheckoutAsync(new CheckoutRequest(paymentId, invoice.RemainingCents,
                            T["Invoice.Title", invoice.Number], schoolUrl, $"{schoolUrl}/paiement/retour?paiement={paymentId}",
                            $"{schoolUrl}/paiement/retour?paiement={paymentId}&abandon=1"), context.RequestAborted),
                        invoice.Id, context.RequestAborted);
                    context.Response.Htmx(headers => headers.Redirect(payment.RedirectUrl));
                    return Results.NoContent();
                }
                catch (HttpRequestException e)
                {
                    logger.LogError(e, "The payment provider could not open a checkout for invoice {InvoiceId}", invoice.Id);
                    problem = "Problem.ProviderUnavailable";
                }
            }
            return new RazorComponentResult<OnlinePaymentDialog>(new { Invoice = invoice, Problem = problem, Rules = rules });
        });

        // "Payer la sélection" first shows what will be paid and the total, and pays only once that is confirmed.
        invoices.MapPost("/selection/confirmation", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            [FromForm] SelectionForm? form) =>
        {
            if (await SelectionAsync(context, grains, pupils, form) is not { } chosen)
            {
                return Results.NotFound();
            }
            var owing = chosen.Where(i => i.RemainingCents > 0).OrderBy(i => i.DueOn).ToList();
            if (string.IsNullOrWhiteSpace(form?.Key) || form.Key.Length > InvoiceLimits.Key || owing.Count == 0)
            {
                return new RazorComponentResult<SelectionConfirmDialog>(new { Problem = "Problem.NothingSelected" });
            }
            var wallet = (await grains.GetGrain<IPurseGrain>(owing[0].PupilId).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == 1);
            return new RazorComponentResult<SelectionConfirmDialog>(new { Invoices = owing, Key = form.Key, Wallet = wallet });
        });

        invoices.MapPost("/selection/portefeuille", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            [FromForm] SelectionForm? form) =>
        {
            var key = form?.Key;
            if (await SelectionAsync(context, grains, pupils, form) is not { } chosen)
            {
                return Results.NotFound();
            }
            if (string.IsNullOrWhiteSpace(key) || key.Length > InvoiceLimits.Key || chosen.Count == 0)
            {
                return new RazorComponentResult<SelectionPaymentDialog>(new { Problem = "Problem.NothingSelected" });
            }
            var user = SignedInUser.From(context.User)!;
            var actor = new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
            var results = new List<(InvoiceView Invoice, PaymentOutcome Outcome)>();
            // One after the other, oldest due first, each under its own key derived from the form's: a resent
            // form pays nothing twice, and a wallet that runs short pays the earliest invoices.
            foreach (var invoice in chosen.OrderBy(i => i.DueOn))
            {
                results.Add((invoice, await grains.GetGrain<IInvoiceGrain>(invoice.Id)
                    .PayFromWalletAsync(new WalletPayment($"{user.Id}/{key}/{invoice.Id}", null, actor))));
            }
            return new RazorComponentResult<SelectionPaymentDialog>(new { Results = results });
        });

        invoices.MapGet("/{id:guid}/portefeuille", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            InvoiceSettingsStore settings) =>
        {
            if (await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            return new RazorComponentResult<WalletPaymentDialog>(new
            {
                Invoice = invoice,
                Wallet = (await grains.GetGrain<IPurseGrain>(invoice.PupilId).GetCompartmentsAsync()).FirstOrDefault(),
                Settings = await settings.LoadAsync(context.School()!.Id, context.RequestAborted),
                Key = Guid.NewGuid().ToString(),
            });
        });

        invoices.MapPost("/{id:guid}/portefeuille", async (Guid id, HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            InvoiceSettingsStore settings, [FromForm(Name = "Key")] string? key) =>
        {
            if (await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            var user = SignedInUser.From(context.User)!;
            PaymentOutcome outcome;
            if (string.IsNullOrWhiteSpace(key) || key.Length > InvoiceLimits.Key)
            {
                outcome = PaymentOutcome.Declined(InvoiceDecline.InvalidAmount, invoice.RemainingCents);
            }
            else
            {
                // The form's key is the attempt: a double click or a resent form pays once and answers the same.
                outcome = await grains.GetGrain<IInvoiceGrain>(id).PayFromWalletAsync(
                    new WalletPayment($"{user.Id}/{key}", null, new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)));
            }
            return new RazorComponentResult<WalletPaymentDialog>(new
            {
                Invoice = (await grains.GetGrain<IInvoiceGrain>(id).GetAsync())!,
                Wallet = (await grains.GetGrain<IPurseGrain>(invoice.PupilId).GetCompartmentsAsync()).FirstOrDefault(),
                Settings = await settings.LoadAsync(context.School()!.Id, context.RequestAborted),
                Key = key ?? "",
                Outcome = outcome,
            });
        });
    }

    /// <summary>The invoice's PDF, with the letterhead the operator entered for the school (address, enterprise number).</summary>
    internal static async Task<IResult> PdfAsync(HttpContext context, InvoicePdfSources sources, InvoiceView invoice)
    {
        var school = context.School()!;
        var registered = await sources.Schools.FindAsync(school.Id, context.RequestAborted);
        var issuer = new InvoicePdf.Issuer(school.Name, registered?.PostalAddress, registered?.EnterpriseNumber,
            await sources.WalletSettings.LoadAsync(school.Id, context.RequestAborted));
        var pdf = InvoicePdf.Render(invoice, issuer, await sources.Pupils.FindAsync(school.Id, invoice.PupilId, context.RequestAborted),
            sources.Clock.GetUtcNow(), sources.T);
        return Results.File(pdf, "application/pdf", $"facture-{invoice.Number}.pdf");
    }

    /// <summary>What writing an invoice's PDF reads.</summary>
    internal sealed record InvoicePdfSources(WalletSettingsStore WalletSettings, PupilRegistry Pupils, OperatedSchools Schools, TimeProvider Clock, IStringLocalizer<InvoiceText> T);

    /// <summary>The invoice, if it is the open child's in this school; anything else answers as if it did not exist.</summary>
    static async Task<InvoiceView?> ChildInvoiceAsync(HttpContext context, IGrainFactory grains, GuardianLinks pupils, Guid id)
    {
        if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
        {
            return null;
        }
        var invoice = await grains.GetGrain<IInvoiceGrain>(id).GetAsync();
        return invoice is not null && invoice.SchoolId == context.School()!.Id && invoice.PupilId == pupil ? invoice : null;
    }

    /// <summary>The ticked invoices, each the open child's; null if one is not (the selection was forged, and nothing happens).</summary>
    static async Task<List<InvoiceView>?> SelectionAsync(HttpContext context, IGrainFactory grains, GuardianLinks pupils, SelectionForm? form)
    {
        var chosen = new List<InvoiceView>();
        foreach (var text in (form?.Invoices ?? []).Distinct().Take(50))
        {
            if (!Guid.TryParse(text, out var id) || await ChildInvoiceAsync(context, grains, pupils, id) is not { } invoice)
            {
                return null;
            }
            chosen.Add(invoice);
        }
        return chosen;
    }

    static Task<OnlineInvoiceRules> OnlineRulesAsync(HttpContext context, InvoiceSettingsStore settings, IPaymentProvider provider) =>
        settings.OnlineRulesAsync(context.School()!.Id, provider is not OfflineProvider, context.RequestAborted);

    static Task<IReadOnlyList<InvoiceRow>> RowsAsync(HttpContext context, InvoiceList list, TimeProvider clock, Guid pupil) =>
        list.SearchAsync(new InvoiceFilter(context.School()!.Id, PupilId: pupil), InvoiceStates.Today(clock), context.RequestAborted);

    /// <summary>Issues the demo school's invoices once the cluster runs, only right after a fresh seed.</summary>
    public sealed class SelectionForm
    {
        public string? Key { get; set; }
        public string[]? Invoices { get; set; }
    }
}