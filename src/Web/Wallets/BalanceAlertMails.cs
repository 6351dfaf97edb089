using System.Net;
using ItSchool.Mail;
using ItSchool.Notifications;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.Wallets;

/// <summary>
/// Tells the low-balance alerts the purses decided: each alert becomes its mail, in its guardian's language, in the same
/// transaction that marks it told, so it is mailed once whichever node runs the pass (the rows are taken with SKIP LOCKED).
/// A guardian without an address is marked told with no mail. The guardian's notification preferences route it
/// (<see cref="NotificationRouting"/>); "Envoyer un test" goes at once through <see cref="Test"/>.
/// </summary>
public sealed class BalanceAlertMails(NpgsqlDataSource db, SchoolDirectory schools, LanguageDirectory languages, SchoolAddresses addresses,
    NotificationMails notifications, IStringLocalizer<AlertText> T, TimeProvider clock, ILogger<BalanceAlertMails> logger) : PeriodicJob(clock, logger)
{
    const int PerPass = 200;

    protected override TimeSpan FirstRunAfter => TimeSpan.FromSeconds(10);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(30);

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await RunOnceAsync(cancellationToken) is PerPass)
        {
        }
    }

    /// <summary>One pass: the alerts not yet told, oldest first; how many it told.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var alerts = new List<Alert>();
        await using (var command = new NpgsqlCommand("""
            SELECT a.id, a.school_id, a.guardian_id, CASE WHEN u.deactivated_at IS NULL THEN u.email END, u.first_name || ' ' || u.last_name, p.first_name, w.name, a.balance_cents, a.threshold_cents,
                   a.pupil_id, a.compartment
            FROM balance_alerts a
            JOIN users u ON u.id = a.guardian_id
            JOIN pupils p ON p.id = a.pupil_id
            JOIN wallet_compartments w ON w.school_id = a.school_id AND w.compartment = a.compartment
            WHERE a.notified_at IS NULL
            ORDER BY a.raised_at
            LIMIT @limit
            FOR UPDATE OF a SKIP LOCKED
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("limit", PerPass);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                alerts.Add(new Alert(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetGuid(9), reader.GetInt16(10)));
            }
        }
        if (alerts.Count == 0)
        {
            return 0;
        }
        var now = Clock.GetUtcNow();
        var readers = await languages.RecipientsAsync(cancellationToken: cancellationToken);
        foreach (var alert in alerts.Where(a => a.Address is not null))
        {
            if (await schools.FindByIdAsync(alert.SchoolId, cancellationToken) is { } school)
            {
                await NotificationRouting.SendAsync(connection, transaction, Notify(alert, school, readers.OfUser(alert.SchoolId, alert.GuardianId)), now,
                    cancellationToken);
            }
        }
        await using (var told = new NpgsqlCommand("UPDATE balance_alerts SET notified_at = @now WHERE id = ANY(@ids)", connection, transaction))
        {
            told.Parameters.AddWithValue("now", now);
            told.Parameters.AddWithValue("ids", alerts.Select(a => a.Id).ToArray());
            await told.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return alerts.Count;
    }

    /// <summary>A test alert to this guardian now, as the real one reads, with the compartment's balance of the moment.</summary>
    public OutgoingMail Test(School school, Guid guardianId, string address, string guardianName, string pupilFirstName, string compartment,
        long balanceCents, long thresholdCents, System.Globalization.CultureInfo language) =>
        Compose(new Alert(Guid.Empty, school.Id, guardianId, address, guardianName, pupilFirstName, compartment, balanceCents, thresholdCents, Guid.Empty, 0),
            school, language, test: true);

    /// <summary>The alert as its guardian's preferences route it, with the footer of a non-essential mail; one push per child and compartment.</summary>
    Notification Notify(Alert alert, School school, System.Globalization.CultureInfo language)
    {
        using var culture = Cultures.Use(language);
        var home = addresses.Of(school);
        return notifications.For(NotificationKind.BalanceAlert, alert.GuardianId, Compose(alert, school, language), home, $"{home}/finances/soldes",
            T["Mail.Body", alert.Compartment, alert.PupilFirstName, Money.Format(alert.BalanceCents), Money.Format(alert.ThresholdCents)].Value,
            $"balance-{alert.PupilId:N}-{alert.CompartmentNumber}");
    }

    OutgoingMail Compose(Alert alert, School school, System.Globalization.CultureInfo language, bool test = false)
    {
        using var culture = Cultures.Use(language);
        var home = addresses.Of(school);
        var (balances, settings) = ($"{home}/finances/soldes", $"{home}/portefeuille/alertes");
        var (balance, threshold) = (Money.Format(alert.BalanceCents), Money.Format(alert.ThresholdCents));
        var subject = (test ? T["Mail.TestPrefix"].Value : "") + T["Mail.Subject", alert.PupilFirstName, alert.Compartment].Value;
        var lines = new[]
        {
            T["Mail.Greeting", alert.GuardianName].Value,
            T["Mail.Body", alert.Compartment, alert.PupilFirstName, balance, threshold].Value,
            T["Mail.TopUp", balances].Value,
            T["Mail.Quiet"].Value,
            T["Mail.Settings", settings].Value,
            school.Name,
        };
        var text = (test ? T["Mail.TestNote"].Value + "\n\n" : "") + string.Join("\n\n", lines);
        var html = (test ? $"<p><em>{WebUtility.HtmlEncode(T["Mail.TestNote"].Value)}</em></p>" : "")
            + string.Concat(lines.Select(line => $"<p>{Linked(line, balances, settings)}</p>"));
        return new OutgoingMail(alert.SchoolId, alert.Address!, alert.GuardianName, subject, text, html);
    }

    /// <summary>The line, encoded, with each of <paramref name="addresses"/> it holds made a link.</summary>
    static string Linked(string line, params string[] addresses) =>
        addresses.Select(address => WebUtility.HtmlEncode(address)!).Aggregate(WebUtility.HtmlEncode(line),
            (html, target) => html.Replace(target, $"<a href=\"{target}\">{target}</a>", StringComparison.Ordinal));

    sealed record Alert(Guid Id, Guid SchoolId, Guid GuardianId, string? Address, string GuardianName, string PupilFirstName, string Compartment,
        long BalanceCents, long ThresholdCents, Guid PupilId, short CompartmentNumber);
}