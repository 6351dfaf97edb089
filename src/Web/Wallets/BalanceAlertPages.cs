using ItSchool.Accounts;
using ItSchool.Mail;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Wallets;

/// <summary>
/// A guardian's low-balance alerts for the open child (<c>/portefeuille/alertes</c>): per compartment, the school's default,
/// their own threshold or none, and how many days before a balance still low is told again; "Envoyer un test" mails the
/// alert as it would read now. Saving tells the purse, which decides alerts from the next movement on.
/// </summary>
public static class BalanceAlertPages
{
    public sealed record Services(GuardianLinks Pupils, BalanceAlertSettings Settings, IGrainFactory Grains, AccountDirectory Accounts,
        BalanceAlertMails Mails, Outbox Outbox, LanguageDirectory Languages, IStringLocalizer<AlertText> T);

    /// <summary>A compartment as the page shows it: what the guardian chose, and what they typed when it was refused.</summary>
    public sealed record Row(GuardianAlert Alert, long BalanceCents, string Typed, string? Problem);

    public static void MapBalanceAlerts(this RouteGroupBuilder school)
    {
        var alerts = school.MapGroup("/portefeuille/alertes").RequireAuthorization(nameof(Role.Parent));

        alerts.MapGet("", async (HttpContext context, [AsParameters] Services services) =>
            await context.OpenChildAsync(services.Pupils) is { } child
                ? await PageAsync(context, services, child, null)
                : Results.Redirect($"{context.Request.PathBase}/comptes"));

        alerts.MapPost("", async (HttpContext context, [AsParameters] Services services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var user = SignedInUser.From(context.User)!;
            var current = await services.Settings.ForGuardianAsync(child.SchoolId, child.Id, user.Id, context.RequestAborted);
            var chosen = new List<(GuardianAlert Alert, AlertChoice Choice, long? Cents, int Days)>();
            var problems = new Dictionary<int, (string Typed, string Problem)>();
            foreach (var alert in current)
            {
                var c = alert.Compartment;
                var choice = posted[$"Choice{c}"].ToString() switch { "own" => AlertChoice.Own, "none" => AlertChoice.None, _ => AlertChoice.SchoolDefault };
                var typed = posted[$"Threshold{c}"].ToString().Trim();
                long? cents = null;
                if (choice == AlertChoice.Own)
                {
                    if (!Money.TryParseCents(typed, out var parsed) || parsed > BalanceAlertSettings.MaxThresholdCents)
                    {
                        problems[c] = (typed, "Problem.Threshold");
                        continue;
                    }
                    cents = parsed;
                }
                if (!int.TryParse(posted[$"Repeat{c}"], out var days) || days is < 1 or > BalanceAlertSettings.MaxRepeatDays)
                {
                    problems[c] = (typed, "Problem.Repeat");
                    continue;
                }
                chosen.Add((alert, choice, cents, days));
            }
            if (problems.Count > 0)
            {
                return await PageAsync(context, services, child, problems);
            }
            foreach (var (alert, choice, cents, days) in chosen)
            {
                await services.Settings.SaveAsync(child.Id, user.Id, alert.Compartment, choice, cents, days, context.RequestAborted);
            }
            await services.Grains.GetGrain<IPurseGrain>(child.Id).RulesChangedAsync();
            return Flash.Redirect(context, "portefeuille/alertes", "saved");
        });

        alerts.MapPost("/test", async (HttpContext context, [AsParameters] Services services) =>
        {
            if (await context.OpenChildAsync(services.Pupils) is not { } child)
            {
                return Results.NotFound();
            }
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var user = SignedInUser.From(context.User)!;
            var alert = (await services.Settings.ForGuardianAsync(child.SchoolId, child.Id, user.Id, context.RequestAborted))
                .FirstOrDefault(a => int.TryParse(posted["Compartment"], out var c) && a.Compartment == c);
            if (alert is null)
            {
                return Results.NotFound();
            }
            if (alert.ThresholdCents is not { } threshold)
            {
                return Flash.Redirect(context, "portefeuille/alertes", "test-no-threshold");
            }
            if (await services.Accounts.FindAsync(child.SchoolId, user.Id, context.RequestAborted) is not { Email: { Length: > 0 } address } account)
            {
                return Flash.Redirect(context, "portefeuille/alertes", "test-no-address");
            }
            var balance = (await services.Grains.GetGrain<IPurseGrain>(child.Id).GetCompartmentsAsync()).FirstOrDefault(c => c.Compartment == alert.Compartment);
            var readers = await services.Languages.RecipientsAsync(child.SchoolId, context.RequestAborted);
            await services.Outbox.EnqueueAsync(services.Mails.Test(context.School()!, user.Id, address, user.DisplayName, child.FirstName, alert.Name,
                balance?.BalanceCents ?? 0, threshold, readers.OfUser(child.SchoolId, user.Id)), context.RequestAborted);
            return Flash.Redirect(context, "portefeuille/alertes", "test-sent");
        });
    }

    static async Task<IResult> PageAsync(HttpContext context, Services services, Pupil child, IReadOnlyDictionary<int, (string Typed, string Problem)>? problems)
    {
        var user = SignedInUser.From(context.User)!;
        var balances = await services.Grains.GetGrain<IPurseGrain>(child.Id).GetCompartmentsAsync();
        var rows = (await services.Settings.ForGuardianAsync(child.SchoolId, child.Id, user.Id, context.RequestAborted))
            .Select(alert => problems?.TryGetValue(alert.Compartment, out var refused) == true
                ? new Row(alert, Balance(alert), refused.Typed, refused.Problem)
                : new Row(alert, Balance(alert), alert.OwnCents is { } own ? Money.Amount(own) : "", null))
            .ToList();
        return new RazorComponentResult<BalanceAlertsPage>(new { Child = child, Rows = rows });

        long Balance(GuardianAlert alert) => balances.FirstOrDefault(b => b.Compartment == alert.Compartment)?.BalanceCents ?? 0;
    }
}