using ItSchool.Invoices;
using ItSchool.Payments;
using ItSchool.Platform.Database;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Invoices;

/// <summary>
/// What a manager does on issued invoices besides credit notes: record a payment the school took itself (cash,
/// another way), and send a reminder now, for one invoice or the ones ticked in the list.
/// </summary>
public static class SchoolInvoiceActions
{
    /// <summary>The most invoices one "Envoyer un rappel" takes: a class or two, ticked by hand.</summary>
    const int MaxReminded = 200;

    public static void MapSchoolInvoiceActions(this RouteGroupBuilder manager)
    {
        manager.MapPost("/{id:guid}/paiement", async (Guid id, HttpContext context, IGrainFactory grains, [AsParameters] SchoolInvoicePages.InvoicePageStores stores,
            IPaymentProvider provider, [FromForm] SchoolInvoicePages.PaymentForm? form) =>
        {
            form ??= new();
            if (await SchoolInvoicePages.OwnInvoiceAsync(context, grains, id) is not { } invoice)
            {
                return Results.NotFound();
            }
            PaymentMethod? method = form.Method switch { "cash" => PaymentMethod.Cash, "other" => PaymentMethod.Other, _ => null };
            var note = form.Note?.Trim() ?? "";
            long cents = 0;
            string? problem = null;
            if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > InvoiceLimits.Key)
            {
                problem = "Problem.ExpiredForm";
            }
            else if (!Money.TryParseCents(form.Amount, out cents))
            {
                problem = "Problem.InvalidAmount";
            }
            else if (method is null || note.Length is 0 or > InvoiceLimits.Note)
            {
                problem = "Problem.PaymentNeedsMethodAndNote";
            }
            if (problem is not null)
            {
                return await SchoolInvoicePages.InvoicePageAsync(context, grains, stores, provider, id, new(Payment: form, PaymentProblem: problem));
            }
            var outcome = await invoice.RecordManualPaymentAsync(new ManualPayment(form.Key!, cents, method!.Value, note,
                SchoolInvoicePages.Actor(context)));
            return outcome.Accepted
                ? SchoolInvoicePages.Redirect(context, $"gestion/factures/{id}", "paiement-enregistre")
                : await SchoolInvoicePages.InvoicePageAsync(context, grains, stores, provider, id,
                    new(Payment: form, PaymentProblem: $"Payment.Decline.{outcome.Reason}"));
        });

        manager.MapPost("/{id:guid}/rappel", async (Guid id, HttpContext context, IGrainFactory grains, [AsParameters] SchoolInvoicePages.InvoicePageStores stores,
            IPaymentProvider provider, OverdueReminderJob reminders, [FromForm(Name = "Key")] string? key) =>
        {
            if (await SchoolInvoicePages.OwnInvoiceAsync(context, grains, id) is null)
            {
                return Results.NotFound();
            }
            if (string.IsNullOrWhiteSpace(key) || key.Length > InvoiceLimits.Key)
            {
                return await SchoolInvoicePages.InvoicePageAsync(context, grains, stores, provider, id, new(ReminderProblem: "Problem.ExpiredForm"));
            }
            var reminded = await reminders.SendNowAsync(context.School()!.Id, [id], key, SchoolInvoicePages.Actor(context).Name ?? "",
                context.RequestAborted);
            return reminded is not { Count: > 0 }
                ? await SchoolInvoicePages.InvoicePageAsync(context, grains, stores, provider, id, new(ReminderProblem: "Problem.NothingToRemind"))
                : SchoolInvoicePages.Redirect(context, $"gestion/factures/{id}", "rappel-envoye");
        });

        manager.MapPost("/rappels", async (HttpContext context, OverdueReminderJob reminders,
            [AsParameters] SchoolInvoicePages.ListQuery query, [FromForm] ReminderSelection? form) =>
        {
            var schoolId = context.School()!.Id;
            var chosen = new List<Guid>();
            foreach (var text in (form?.Invoices ?? []).Distinct().Take(MaxReminded + 1))
            {
                if (!Guid.TryParse(text, out var invoiceId))
                {
                    return Results.NotFound();
                }
                chosen.Add(invoiceId);
            }
            var count = 0;
            if (chosen.Count is > 0 and <= MaxReminded && form?.Key is { Length: > 0 and <= InvoiceLimits.Key } key)
            {
                var reminded = await reminders.SendNowAsync(schoolId, chosen, key, SchoolInvoicePages.Actor(context).Name ?? "",
                    context.RequestAborted);
                if (reminded is null)
                {
                    // One id that is not this school's invoice: the selection was forged, and nobody is mailed.
                    return Results.NotFound();
                }
                count = reminded.Count;
            }
            var notice = count == 0 ? "rappels-aucun" : "rappels-envoyes";
            var filters = query.Query(PageRequest.Parse(query.PageText).Number);
            return Flash.Redirect(context, filters.Length > 0 ? $"gestion/factures?{filters}" : "gestion/factures", notice, count);
        });
    }

    public sealed class ReminderSelection
    {
        public string? Key { get; set; }
        public string[]? Invoices { get; set; }
    }
}