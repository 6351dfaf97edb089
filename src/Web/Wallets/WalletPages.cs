using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Live;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Wallets;

/// <summary>The parent's wallet: top-up dialogs and the internal transfer, for the child whose account is open.</summary>
public static class WalletPages
{
    public static void MapWallets(this RouteGroupBuilder school)
    {
        var wallet = school.MapGroup("/portefeuille").RequireAuthorization(nameof(Role.Parent));

        wallet.MapGet("/{compartment:int}/virement", async (int compartment, HttpContext context, IGrainFactory grains,
            GuardianLinks pupils, WalletSettingsStore walletSettings) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var view = (await grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == compartment);
            if (view is null)
            {
                return Results.NotFound();
            }
            var settings = await walletSettings.LoadAsync(context.School()!.Id, context.RequestAborted);
            var qr = settings?.Iban is { } iban
                ? QrCodes.PngBase64(EpcQrPayload.For(settings.Beneficiary ?? context.School()!.Name, iban, settings.Bic, view.Communication))
                : "";
            return new RazorComponentResult<BankTransferDialog>(new { Compartment = view, Settings = settings, QrPng = qr });
        });

        wallet.MapGet("/transfert", async (int? vers, HttpContext context, IGrainFactory grains, GuardianLinks pupils) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var compartments = await grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync();
            var to = compartments.FirstOrDefault(c => c.Compartment == vers)?.Compartment ?? compartments.Last().Compartment;
            var from = compartments.First(c => c.Compartment != to).Compartment;
            return new RazorComponentResult<TransferDialog>(new { Compartments = compartments, From = from, To = to });
        });

        wallet.MapPost("/transfert", async (HttpContext context, IGrainFactory grains, GuardianLinks pupils,
            IStringLocalizer<Ui> T, [FromForm] TransferForm form) =>
        {
            if (await context.OpenChildAsync(pupils) is not { Id: var pupil })
            {
                return Results.NotFound();
            }
            var purse = grains.GetGrain<IPurseGrain>(pupil);
            var user = SignedInUser.From(context.User)!;
            string? problem = null;
            if (!Money.TryParseCents(form.Amount, out var cents))
            {
                problem = T["Wallet.InvalidAmount"];
            }
            else if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > 100)
            {
                problem = T["ExpiredForm.Help"];
            }
            else
            {
                var result = await purse.TransferAsync(new Transfer($"transfer/{form.Key}", form.From, form.To, cents,
                    new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName)));
                if (result.Accepted)
                {
                    return new RazorComponentResult<TransferDialog>(new { Done = true });
                }
                problem = result.Reason == DeclineReason.InsufficientFunds
                    ? T["Decline.InsufficientFunds", Money.Format(result.AvailableCents ?? 0)]
                    : T[$"Decline.{result.Reason}"];
            }
            return new RazorComponentResult<TransferDialog>(new
            {
                Compartments = await purse.GetCompartmentsAsync(),
                form.From,
                form.To,
                form.Amount,
                Key = form.Key ?? Guid.NewGuid().ToString(),
                Problem = problem,
            });
        });
    }

    public sealed class TransferForm
    {
        public string? Key { get; set; }
        public int From { get; set; }
        public int To { get; set; }
        public string? Amount { get; set; }
    }
}