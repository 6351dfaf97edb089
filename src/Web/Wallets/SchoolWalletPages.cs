using System.Globalization;
using System.Text;
using ItSchool.Accounts;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Wallets;

/// <summary>
/// The school side of wallets: every pupil's balances (search, CSV), a manual correction with its reason
/// (a ledger entry, never an edit), and the settings: bank account, compartments, floors, online bounds.
/// </summary>
public static class SchoolWalletPages
{
    public static void MapSchoolWallets(this RouteGroupBuilder school)
    {
        var wallets = school.MapGroup("/gestion/portefeuilles").RequireAuthorization(nameof(Role.Manager));

        wallets.MapGet("", async (HttpContext context, SchoolBalances balances, CompartmentSettingsStore compartmentSettings, string? q,
            string? page) =>
        {
            var schoolId = context.School()!.Id;
            var model = new
            {
                Search = q,
                Rows = await balances.PageAsync(schoolId, q, PageRequest.Parse(page), context.RequestAborted),
                Compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted),
            };
            return context.PageOrFragment<SchoolBalancesPage, SchoolBalancesTable>(model);
        });

        wallets.MapGet("/soldes.csv", async (HttpContext context, SchoolBalances balances, CompartmentSettingsStore compartmentSettings, string? q, IStringLocalizer<Ui> T) =>
        {
            var schoolId = context.School()!.Id;
            var compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted);
            var rows = await balances.ListAsync(schoolId, q, context.RequestAborted);
            await using var csv = CsvExport.Start(context.Response, "soldes.csv");
            await csv.RowAsync(new[] { T["SchoolWallets.Class"].Value, T["SchoolWallets.LastName"], T["SchoolWallets.FirstName"] }
                .Concat(compartments.Select(c => c.Name)));
            foreach (var row in rows)
            {
                await csv.RowAsync(new[] { row.ClassName, row.LastName, row.FirstName }
                    .Concat(compartments.Select(c => CsvExport.Amount(row.Balances.GetValueOrDefault(c.Compartment)))));
            }
            return Results.Empty;
        });

        wallets.MapGet("/{pupilId:guid}/correction", async (Guid pupilId, HttpContext context, SchoolBalances balances, IGrainFactory grains) =>
            await balances.IsPupilOfAsync(context.School()!.Id, pupilId, context.RequestAborted)
                ? new RazorComponentResult<CorrectionDialog>(new
                {
                    PupilId = pupilId,
                    Compartments = await grains.GetGrain<IPurseGrain>(pupilId).GetCompartmentsAsync(),
                })
                : Results.NotFound());

        wallets.MapPost("/{pupilId:guid}/correction", CorrectAsync);

        wallets.MapGet("/parametres", async (HttpContext context, WalletSettingsStore walletSettings, CompartmentSettingsStore compartmentSettings) =>
            new RazorComponentResult<WalletSettingsPage>(await SettingsModelAsync(context, walletSettings, compartmentSettings)));

        wallets.MapPost("/parametres", SaveSettingsAsync);
    }

    static async Task<IResult> CorrectAsync(Guid pupilId, HttpContext context, SchoolBalances balances, IGrainFactory grains,
        IStringLocalizer<Ui> T, [FromForm] CorrectionForm form)
    {
        if (!await balances.IsPupilOfAsync(context.School()!.Id, pupilId, context.RequestAborted))
        {
            return Results.NotFound();
        }
        var purse = grains.GetGrain<IPurseGrain>(pupilId);
        var reason = form.Reason?.Trim() ?? "";
        var text = form.Amount?.Trim() ?? "";
        var negative = text.StartsWith('-');
        string? problem = null;
        if (reason.Length is < 3 or > 200)
        {
            problem = T["SchoolWallets.ReasonRequired"];
        }
        else if (!Money.TryParseCents(text.TrimStart('+', '-'), out var cents))
        {
            problem = T["SchoolWallets.AmountHelp"];
        }
        else if (string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > 100)
        {
            problem = T["ExpiredForm.Help"];
        }
        else
        {
            var user = SignedInUser.From(context.User)!;
            var actor = new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
            var subject = LedgerSubject.Correction(reason);
            var key = $"correction/{form.Key}";
            var result = negative
                ? await purse.DebitAsync(new Debit(key, form.Compartment, cents, MovementKind.Correction, null, subject, actor))
                : await purse.CreditAsync(new Credit(key, form.Compartment, cents, MovementKind.Correction, null, subject, actor));
            if (result.Accepted)
            {
                return new RazorComponentResult<CorrectionDialog>(new { PupilId = pupilId, Done = true });
            }
            problem = result.Reason == DeclineReason.InsufficientFunds
                ? T["Decline.InsufficientFunds", Money.Format(result.AvailableCents ?? 0)]
                : T[$"Decline.{result.Reason}"];
        }
        return new RazorComponentResult<CorrectionDialog>(new
        {
            PupilId = pupilId,
            Compartments = await purse.GetCompartmentsAsync(),
            form.Compartment,
            form.Amount,
            Reason = reason,
            Key = form.Key ?? Guid.NewGuid().ToString(),
            Problem = problem,
        });
    }

    static async Task<IResult> SaveSettingsAsync(HttpContext context, WalletSettingsStore walletSettings,
        CompartmentSettingsStore compartmentSettings, IStringLocalizer<Ui> T, [FromForm] SettingsForm form)
    {
        var schoolId = context.School()!.Id;
        var problems = new List<string>();
        var iban = string.IsNullOrWhiteSpace(form.Iban) ? null : Iban.Normalize(form.Iban);
        if (!string.IsNullOrWhiteSpace(form.Iban) && iban is null)
        {
            problems.Add(T["SchoolWallets.InvalidIban"]);
        }
        var bic = string.IsNullOrWhiteSpace(form.Bic) ? null : form.Bic.Trim().ToUpperInvariant();
        if (bic is not null && !System.Text.RegularExpressions.Regex.IsMatch(bic, "^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$"))
        {
            problems.Add(T["SchoolWallets.InvalidBic"]);
        }
        var bounds = Money.TryParseCents(form.OnlineMin, out var min) & Money.TryParseCents(form.OnlineMax, out var max);
        if (!bounds || min > max)
        {
            problems.Add(T["SchoolWallets.InvalidBounds"]);
        }
        var names = new[] { form.Name1?.Trim(), form.Name2?.Trim() };
        if (string.IsNullOrEmpty(names[0]))
        {
            problems.Add(T["SchoolWallets.NameRequired"]);
        }
        var floors = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var text = (i == 0 ? form.Overdraft1 : form.Overdraft2)?.Trim();
            if (string.IsNullOrEmpty(text) || text is "0" or "0,00")
            {
                continue;
            }
            if (!Money.TryParseCents(text, out var overdraft))
            {
                problems.Add(T["SchoolWallets.InvalidOverdraft"]);
            }
            floors[i] = -overdraft;
        }
        var alerts = new Dictionary<int, long?>();
        for (var i = 0; i < 2; i++)
        {
            var text = (i == 0 ? form.Alert1 : form.Alert2)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                alerts[i + 1] = null;
            }
            else if (Money.TryParseCents(text, out var threshold) && threshold <= BalanceAlertSettings.MaxThresholdCents)
            {
                alerts[i + 1] = threshold;
            }
            else
            {
                problems.Add(context.RequestServices.GetRequiredService<IStringLocalizer<AlertText>>()["School.InvalidDefault"]);
            }
        }
        var existing = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted);
        if (existing.Any(c => c.Compartment == 2) && string.IsNullOrEmpty(names[1]))
        {
            problems.Add(T["SchoolWallets.SecondStays"]);
        }
        if (problems.Count > 0)
        {
            return new RazorComponentResult<WalletSettingsPage>(await SettingsModelAsync(context, walletSettings, compartmentSettings, form, problems));
        }

        await walletSettings.SaveAsync(schoolId,
            new WalletSettings(iban, bic, form.Beneficiary?.Trim(), min, max, form.BankTransferEnabled, form.OnlineEnabled), context.RequestAborted);
        await compartmentSettings.SaveAsync(schoolId,
            [.. Enumerable.Range(0, 2).Where(i => !string.IsNullOrEmpty(names[i])).Select(i => new CompartmentSettings(i + 1, names[i]!, floors[i]))],
            context.RequestAborted);
        // A compartment the school does not have keeps no default; purses read a new default within their settings' lifetime.
        await context.RequestServices.GetRequiredService<BalanceAlertSettings>().SaveDefaultsAsync(schoolId,
            alerts.Where(a => a.Key == 1 || !string.IsNullOrEmpty(names[1])).ToDictionary(a => a.Key, a => a.Value), context.RequestAborted);
        return new RazorComponentResult<WalletSettingsPage>(await SettingsModelAsync(context, walletSettings, compartmentSettings, saved: true));
    }

    static async Task<object> SettingsModelAsync(HttpContext context, WalletSettingsStore walletSettings,
        CompartmentSettingsStore compartmentSettings, SettingsForm? form = null,
        IReadOnlyList<string>? problems = null, bool saved = false)
    {
        var schoolId = context.School()!.Id;
        var settings = await walletSettings.LoadAsync(schoolId, context.RequestAborted)
            ?? new WalletSettings(null, null, context.School()!.Name, 500, 20000, true, true);
        var compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted);
        var alerts = await context.RequestServices.GetRequiredService<BalanceAlertSettings>().DefaultsAsync(schoolId, context.RequestAborted);
        form ??= new SettingsForm
        {
            Iban = settings.Iban is { } iban ? Iban.Format(iban) : null,
            Bic = settings.Bic,
            Beneficiary = settings.Beneficiary,
            OnlineMin = Money.Amount(settings.OnlineMinCents),
            OnlineMax = Money.Amount(settings.OnlineMaxCents),
            BankTransferEnabled = settings.BankTransferEnabled,
            OnlineEnabled = settings.OnlineEnabled,
            Name1 = compartments.FirstOrDefault(c => c.Compartment == 1)?.Name
                ?? context.RequestServices.GetRequiredService<IStringLocalizer<Ui>>()["SchoolWallets.DefaultFirstCompartment"],
            Overdraft1 = Overdraft(compartments.FirstOrDefault(c => c.Compartment == 1)),
            Name2 = compartments.FirstOrDefault(c => c.Compartment == 2)?.Name,
            Overdraft2 = Overdraft(compartments.FirstOrDefault(c => c.Compartment == 2)),
            Alert1 = alerts.TryGetValue(1, out var first) ? Money.Amount(first) : null,
            Alert2 = alerts.TryGetValue(2, out var second) ? Money.Amount(second) : null,
        };
        return new { Form = form, Problems = problems ?? [], Saved = saved, HasSecond = compartments.Any(c => c.Compartment == 2) };

        static string? Overdraft(CompartmentSettings? c) =>
            c is null ? null : Money.Amount(-c.FloorCents);
    }

    public sealed class CorrectionForm
    {
        public string? Key { get; set; }
        public int Compartment { get; set; }
        public string? Amount { get; set; }
        public string? Reason { get; set; }
    }

    public sealed class SettingsForm
    {
        public string? Alert1 { get; set; }
        public string? Alert2 { get; set; }
        public string? Iban { get; set; }
        public string? Bic { get; set; }
        public string? Beneficiary { get; set; }
        public string? OnlineMin { get; set; }
        public string? OnlineMax { get; set; }
        public bool BankTransferEnabled { get; set; }
        public bool OnlineEnabled { get; set; }
        public string? Name1 { get; set; }
        public string? Overdraft1 { get; set; }
        public string? Name2 { get; set; }
        public string? Overdraft2 { get; set; }
    }
}