using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Meals;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Wallets;

/// <summary>
/// A guardian's low-balance alerts over HTTP and SMTP, on the demo school: the settings page, the purse's alert turned into
/// one mail, the test mail, the school's default, and bad input. Every test makes a child of its own.
/// </summary>
public sealed class BalanceAlertPagesTests(WebNode web) : IClassFixture<WebNode>
{
    const string Alerts = "/e/demo/portefeuille/alertes";

    static Task<HttpResponseMessage> SaveAsync(HttpClient parent, params (string, string)[] fields) => Forms.PostAsync(parent, Alerts, Alerts, fields);

    async Task<long> ScalarAsync(string sql, Guid pupil)
    {
        await using var command = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("p", pupil);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    IPurseGrain Purse(Guid pupil) => ParentMealRig.Purse(web, pupil);

    static Debit Sale(long cents) => new(Guid.NewGuid().ToString(), 1, cents, MovementKind.Sale, PaymentMethod.Wallet, LedgerSubject.Sale([("Collation", 1)]),
        new Actor(ActorKind.Terminal, "t", "Cantine"));

    [Fact]
    public async Task A_threshold_saved_on_the_page_makes_the_purse_alert_once_and_the_alert_is_mailed_once()
    {
        var (child, name) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        var parent = await ParentMealRig.ParentAsync(web, "marc.dubois", child);
        await Purse(child).CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, 2_000, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp,
            Actor.System));
        var page = WebUtility.HtmlDecode(await parent.GetStringAsync(Alerts));
        Assert.Contains("solde actuel : 20,00 €", page);

        var saved = await SaveAsync(parent, ("Choice1", "own"), ("Threshold1", "10,00"), ("Repeat1", "3"), ("Choice2", "none"), ("Repeat2", "2"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("Alertes enregistrées.", WebUtility.HtmlDecode(await parent.GetStringAsync(saved.Headers.Location!.OriginalString)));

        Assert.True((await Purse(child).DebitAsync(Sale(1_050))).Accepted);
        Assert.True((await Purse(child).DebitAsync(Sale(100))).Accepted);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM balance_alerts WHERE pupil_id = @p", child));

        var mails = web.Services.GetRequiredService<BalanceAlertMails>();
        await mails.RunOnceAsync();
        await mails.RunOnceAsync();
        var mail = await web.Mail.WaitForAsync(m => m.Subject == $"Solde bas : Portefeuille général de {name}");
        Assert.Contains("est de 9,50 €, sous le seuil de 10,00 €", mail.TextBody);
        Assert.Contains("/portefeuille/alertes", mail.TextBody);
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM mail_outbox WHERE subject = 'Solde bas : Portefeuille général de {name}' AND @p = @p", child));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM balance_alerts WHERE pupil_id = @p AND notified_at IS NULL", child));
    }

    [Fact]
    public async Task The_test_button_mails_the_alert_as_it_would_read_and_needs_a_saved_threshold()
    {
        var (child, name) = await ParentMealRig.ChildAsync(web, 0, "amelie.lefevre");
        var parent = await ParentMealRig.ParentAsync(web, "amelie.lefevre", child);
        var none = await SaveAsync(parent, ("Choice1", "none"), ("Repeat1", "2"), ("Choice2", "none"), ("Repeat2", "2"));
        Assert.Equal(HttpStatusCode.Redirect, none.StatusCode);

        var refused = await Forms.PostAsync(parent, Alerts, Alerts + "/test", ("Compartment", "1"));
        Assert.Contains("Pas de seuil enregistré pour ce solde", WebUtility.HtmlDecode(await parent.GetStringAsync(refused.Headers.Location!.OriginalString)));

        await SaveAsync(parent, ("Choice1", "own"), ("Threshold1", "7,5"), ("Repeat1", "2"), ("Choice2", "none"), ("Repeat2", "2"));
        var sent = await Forms.PostAsync(parent, Alerts, Alerts + "/test", ("Compartment", "1"));
        Assert.Contains("Un courriel de test vient de partir", WebUtility.HtmlDecode(await parent.GetStringAsync(sent.Headers.Location!.OriginalString)));
        var mail = await web.Mail.WaitForAsync(m => m.Subject == $"[Test] Solde bas : Portefeuille général de {name}");
        Assert.Contains("sous le seuil de 7,50 €", mail.TextBody);
        Assert.Equal("amelie.lefevre@example.be", mail.To.Mailboxes.Single().Address);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(parent, Alerts, Alerts + "/test", ("Compartment", "9"))).StatusCode);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM balance_alerts WHERE pupil_id = @p", child));
    }

    [Fact]
    public async Task Bad_thresholds_are_refused_with_a_reason_and_save_nothing()
    {
        var (child, _) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        var parent = await ParentMealRig.ParentAsync(web, "marc.dubois", child);
        var letters = await SaveAsync(parent, ("Choice1", "own"), ("Threshold1", "dix euros"), ("Repeat1", "2"), ("Choice2", "none"), ("Repeat2", "2"));
        Assert.Equal(HttpStatusCode.OK, letters.StatusCode);
        Assert.Contains("Indiquez un seuil en euros, par exemple 5,00 : rien n'a été enregistré.", WebUtility.HtmlDecode(await letters.Content.ReadAsStringAsync()));
        var days = await SaveAsync(parent, ("Choice1", "own"), ("Threshold1", "5"), ("Repeat1", "0"), ("Choice2", "none"), ("Repeat2", "2"));
        Assert.Contains("Le rappel se règle entre 1 et 30 jours", WebUtility.HtmlDecode(await days.Content.ReadAsStringAsync()));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM balance_alert_settings WHERE pupil_id = @p", child));
        Assert.NotEqual(HttpStatusCode.OK, (await (await SignedIn.AsAsync(web, "claire.dupont")).GetAsync(Alerts)).StatusCode);
    }

    [Fact]
    public async Task The_schools_default_is_offered_to_parents_who_chose_nothing_and_a_bad_default_is_refused()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        const string Settings = "/e/demo/gestion/portefeuilles/parametres";
        var form = WebUtility.HtmlDecode(await manager.GetStringAsync(Settings));
        (string, string) Field(string name) =>
            (name, System.Text.RegularExpressions.Regex.Match(form, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);
        (string, string)[] fields = [Field("Beneficiary"), Field("Iban"), Field("Bic"), ("BankTransferEnabled", "true"), ("OnlineEnabled", "true"),
            Field("OnlineMin"), Field("OnlineMax"), Field("Name1"), Field("Overdraft1"), Field("Name2"), Field("Overdraft2")];

        var bad = await Forms.PostAsync(manager, Settings, Settings, [.. fields, ("Alert1", "beaucoup")]);
        Assert.Contains("Un seuil par défaut est un montant en euros", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));
        var good = await Forms.PostAsync(manager, Settings, Settings, [.. fields, ("Alert1", "5,00")]);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        try
        {
            var (child, _) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
            var parent = await ParentMealRig.ParentAsync(web, "marc.dubois", child);
            Assert.Contains("Seuil de l'école (5,00 €)", WebUtility.HtmlDecode(await parent.GetStringAsync(Alerts)));
        }
        finally
        {
            await web.Services.GetRequiredService<BalanceAlertSettings>().SaveDefaultsAsync(DemoSchool.Id, new Dictionary<int, long?> { [1] = null });
        }
    }
}