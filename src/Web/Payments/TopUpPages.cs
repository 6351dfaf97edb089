using ItSchool.Accounts;
using ItSchool.Payments;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Payments;

/// <summary>"Recharger › Paiement en ligne": the amount dialog, the redirect to the provider, and the return page.</summary>
public static class TopUpPages
{
    public static void MapTopUpPages(this RouteGroupBuilder school)
    {
        var parent = school.MapGroup("").RequireAuthorization(nameof(Role.Parent));

        parent.MapGet("/portefeuille/{compartment:int}/paiement-en-ligne", async (int compartment, HttpContext context, IGrainFactory grains,
            GuardianLinks pupils, WalletSettingsStore walletSettings) =>
            await DialogAsync(context, grains, pupils, walletSettings, compartment, null, null, Guid.NewGuid().ToString()) is { } dialog
                ? (IResult)dialog
                : Results.NotFound()).RequireModule(SchoolModule.Wallets);

        parent.MapPost("/portefeuille/paiement-en-ligne", async (HttpContext context, IGrainFactory grains,
            GuardianLinks pupils, WalletSettingsStore walletSettings, OnlineTopUps topUps, IStringLocalizer<PaymentText> T, IStringLocalizer<Ui> U,
            [FromForm] TopUpForm form) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var compartment = form.Compartment;
            var settings = await walletSettings.LoadAsync(context.School()!.Id, context.RequestAborted);
            string? problem;
            if (!Money.TryParseCents(form.Amount, out var cents))
            {
                problem = T["Problem.InvalidAmount"];
            }
            else if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > 100)
            {
                problem = T["Problem.ExpiredForm"];
            }
            else
            {
                var user = SignedInUser.From(context.User)!;
                var started = await topUps.StartAsync(new TopUpRequest(user.SchoolId, user.Id, pupil, compartment, cents, form.Key,
                    context.SchoolUrl(), LedgerSubjectText.Of(LedgerSubject.OnlineTopUp, U)), context.RequestAborted);
                if (started.Payment is { } payment)
                {
                    return context.RedirectTo(payment.RedirectUrl);
                }
                if (started.Problem is TopUpProblem.NotGuardian or TopUpProblem.UnknownCompartment)
                {
                    return Results.NotFound();
                }
                problem = started.Problem is TopUpProblem.BelowMinimum or TopUpProblem.AboveMaximum
                    ? T["Problem.OutOfBounds", Money.Format(settings!.OnlineMinCents), Money.Format(settings.OnlineMaxCents)]
                    : T[$"Problem.{started.Problem}"];
            }
            return await DialogAsync(context, grains, pupils, walletSettings, compartment, form.Amount, problem, form.Key ?? Guid.NewGuid().ToString())
                ?? Results.NotFound();
        }).RequireModule(SchoolModule.Wallets);

        parent.MapGet("/paiement/retour", async (Guid? paiement, int? abandon, HttpContext context, OnlinePayments payments) =>
            await OwnPaymentAsync(context, payments, paiement) is { } payment
                ? (IResult)new RazorComponentResult<PaymentReturnPage>(new { Payment = payment, Abandoned = abandon == 1 })
                : Results.NotFound());

        parent.MapGet("/paiement/{id:guid}/statut", async (Guid id, int? abandon, HttpContext context, OnlinePayments payments) =>
            await OwnPaymentAsync(context, payments, id) is { } payment
                ? (IResult)new RazorComponentResult<PaymentStatusPanel>(new { Payment = payment, Abandoned = abandon == 1 })
                : Results.NotFound());
    }

    static async Task<IResult?> DialogAsync(HttpContext context, IGrainFactory grains, GuardianLinks pupils, WalletSettingsStore walletSettings,
        int compartment, string? amount, string? problem, string key)
    {
        if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
        {
            return null;
        }
        var view = (await grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == compartment);
        if (view is null)
        {
            return null;
        }
        var settings = await walletSettings.LoadAsync(context.School()!.Id, context.RequestAborted);
        return new RazorComponentResult<TopUpDialog>(new { Compartment = view, Settings = settings, Amount = amount, Problem = problem, Key = key });
    }

    /// <summary>The signed-in parent's own attempt in this school; anyone else's id is simply not found.</summary>
    static async Task<OnlinePayment?> OwnPaymentAsync(HttpContext context, OnlinePayments payments, Guid? id)
    {
        var user = SignedInUser.From(context.User);
        return id is { } value && user is not null && await payments.FindAsync(value, context.RequestAborted) is { } payment
            && payment.StartedBy == user.Id && payment.SchoolId == context.School()!.Id
            ? payment
            : null;
    }

    public sealed class TopUpForm
    {
        public string? Key { get; set; }
        public int Compartment { get; set; }
        public string? Amount { get; set; }
    }
}