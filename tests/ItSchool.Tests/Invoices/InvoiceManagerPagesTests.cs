using System.Net;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Management;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UglyToad.PdfPig;

namespace ItSchool.Tests.Invoices;

/// <summary>The manager's invoice endpoints for payments taken by hand, reminders, refunding credit notes, and text limits.</summary>
public sealed class InvoiceManagerPagesTests(WebNode web) : IClassFixture<WebNode>
{
    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task A_cash_payment_is_recorded_once_per_form_and_the_parent_and_the_PDF_show_it()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var (id, invoice) = await IssueAsync(lucas);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{id}";
        var form = new[] { ("Key", "cash-1"), ("Amount", "20"), ("Method", "cash"), ("Note", "Remis au secrétariat, reçu 12") };

        var first = await Forms.PostAsync(manager, page, $"{page}/paiement", form);
        var again = await Forms.PostAsync(manager, page, $"{page}/paiement", form);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (first.StatusCode, again.StatusCode));
        var view = (await invoice.GetAsync())!;
        Assert.Equal((2_000L, PaymentMethod.Cash), (view.PaidCents, Assert.Single(view.Movements).Method!.Value));
        Assert.Contains("Paiement enregistré.", await TextAsync(await manager.GetAsync(first.Headers.Location)));

        async Task<string> RefusedAsync(params (string, string)[] fields)
        {
            var response = await Forms.PostAsync(manager, page, $"{page}/paiement", fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await TextAsync(response);
        }
        Assert.Contains("ne pas dépasser le reste à payer (40,00 €)",
            await RefusedAsync(("Key", "cash-2"), ("Amount", "40,01"), ("Method", "cash"), ("Note", "Trop")));
        Assert.Contains("Choisissez le moyen de paiement et ajoutez une note",
            await RefusedAsync(("Key", "cash-3"), ("Amount", "5"), ("Method", "cash"), ("Note", " ")));
        Assert.Contains("Choisissez le moyen de paiement et ajoutez une note",
            await RefusedAsync(("Key", "cash-4"), ("Amount", "5"), ("Method", "cash"), ("Note", new string('n', 201))));
        Assert.Contains("Choisissez le moyen de paiement et ajoutez une note",
            await RefusedAsync(("Key", "cash-5"), ("Amount", "5"), ("Method", "wallet"), ("Note", "Portefeuille ?")));
        Assert.Contains("Indiquez un montant en euros", await RefusedAsync(("Key", "cash-6"), ("Amount", "vingt"), ("Method", "other"), ("Note", "x")));
        Assert.Single((await invoice.GetAsync())!.Movements);

        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        var details = await TextAsync(await parent.GetAsync($"/e/demo/finances/factures/{id}"));
        Assert.Contains("Paiement · Espèces", details);
        Assert.Contains("Remis au secrétariat, reçu 12", details);
        using var pdf = PdfDocument.Open(await parent.GetByteArrayAsync($"/e/demo/finances/factures/{id}/facture.pdf"));
        var words = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Paiement · Espèces · Remis au secrétariat, reçu 12", words);
        Assert.Contains("Reste à payer 40,00 €", words);
    }

    [Fact]
    public async Task Forged_ids_another_schools_invoice_and_a_parent_change_nothing_on_the_managers_actions()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var (id, invoice) = await IssueAsync(lucas);
        var (foreignId, foreign) = await ForeignInvoiceAsync();
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{id}";
        var cash = new[] { ("Key", "forged-1"), ("Amount", "5"), ("Method", "cash"), ("Note", "x") };

        foreach (var target in new[] { Guid.NewGuid(), foreignId })
        {
            var url = $"/e/demo/gestion/factures/{target}";
            Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, $"{url}/paiement", cash)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, $"{url}/rappel", ("Key", "forged-2"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, $"{url}/note-de-credit",
                ("Key", "forged-3"), ("Amount", "5"), ("Reason", "x"), ("RefundTo", "wallet"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(url)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, "/e/demo/gestion/factures/rappels",
            ("Key", "forged-4"), ("Invoices", id.ToString()), ("Invoices", foreignId.ToString()))).StatusCode);

        // Even the invoice's own parent: the manager's pages do not exist for a parent.
        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(parent, "/e/demo/comptes", $"{page}/paiement", cash)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await Forms.PostAsync(parent, "/e/demo/comptes", $"{page}/rappel", ("Key", "parent-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(parent, "/e/demo/comptes", "/e/demo/gestion/factures/rappels",
            ("Key", "parent-2"), ("Invoices", id.ToString()))).StatusCode);

        Assert.Empty((await invoice.GetAsync())!.Movements);
        Assert.Empty((await foreign.GetAsync())!.Movements);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM invoice_manual_reminders WHERE invoice_id = ANY(@ids)", ("ids", new[] { id, foreignId })));
    }

    [Fact]
    public async Task A_reminder_is_sent_once_per_click_for_one_invoice_or_a_selection_and_only_for_what_is_owed()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var (owedId, owed) = await IssueAsync(chloe);
        var (paidId, paid) = await IssueAsync(chloe);
        await paid.PayByTransferAsync(new InvoiceTransfer("REMIND-PAID", 6_000, new DateOnly(2026, 11, 10), null));
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{owedId}";
        var number = (await owed.GetAsync())!.Number;
        var paidNumber = (await paid.GetAsync())!.Number;

        var clicks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Forms.PostAsync(manager, page, $"{page}/rappel", ("Key", "remind-1"))));

        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.Redirect, c.StatusCode));
        Assert.Equal(1, await MailsAboutAsync(number));
        var mail = await web.Mail.WaitForAsync(m => m.Subject?.Contains(number) == true);
        Assert.Equal("marc.dubois@example.be", mail.To.Mailboxes.Single().Address);
        Assert.Contains("est à payer pour le 31/12/2099", mail.TextBody);
        Assert.Contains("Dernier rappel envoyé le", await TextAsync(await manager.GetAsync(page)));

        var nothing = await Forms.PostAsync(manager, $"/e/demo/gestion/factures/{paidId}", $"/e/demo/gestion/factures/{paidId}/rappel", ("Key", "remind-2"));
        Assert.Contains("aucun rappel n'a été envoyé", await TextAsync(nothing));

        (string, string)[] selection = [("Key", "remind-3"), ("Invoices", owedId.ToString()), ("Invoices", paidId.ToString())];
        var list = await Forms.PostAsync(manager, "/e/demo/gestion/factures", "/e/demo/gestion/factures/rappels?classe=4B", selection);
        var listAgain = await Forms.PostAsync(manager, "/e/demo/gestion/factures", "/e/demo/gestion/factures/rappels?classe=4B", selection);

        Assert.Equal(list.Headers.Location, listAgain.Headers.Location);
        Assert.EndsWith("/gestion/factures?classe=4B&ok=rappels-envoyes&n=1", list.Headers.Location!.ToString());
        Assert.Equal(2, await MailsAboutAsync(number));
        Assert.Equal(0, await MailsAboutAsync(paidNumber));
        var rows = await TextAsync(await manager.GetAsync(list.Headers.Location));
        Assert.Contains("Rappel envoyé pour 1 facture(s).", rows);
        Assert.Contains($"data-last-reminder=\"{(await new OverdueReminders(Db).LastAsync(owedId))!.Value.At:O}\"", rows);

        var none = await Forms.PostAsync(manager, "/e/demo/gestion/factures", "/e/demo/gestion/factures/rappels", ("Key", "remind-4"));
        Assert.EndsWith("ok=rappels-aucun&n=0", none.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_credit_note_on_a_paid_invoice_refunds_the_wallet_once_or_records_the_schools_transfer_and_the_parent_sees_where()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var (id, invoice) = await IssueAsync(lucas);
        await invoice.PayByTransferAsync(new InvoiceTransfer("REFUND-PAGE", 6_000, new DateOnly(2026, 11, 10), "Pierre Lefèvre"));
        var purse = Grains.GetGrain<IPurseGrain>(lucas);
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{id}";
        var shown = await TextAsync(await manager.GetAsync(page));
        Assert.Contains("rembourser ce qui a été payé (60,00 €)", shown);
        // Nothing was paid online: the provider cannot be asked.
        Assert.DoesNotContain("value=\"online\"", shown);

        var noChoice = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "cn-1"), ("Amount", "20"), ("Reason", "Car annulé"));
        Assert.Contains("choisissez où rembourser ce qui a été payé", await TextAsync(noChoice));
        (string, string)[] toWallet = [("Key", "cn-2"), ("Amount", "20"), ("Reason", "Car annulé"), ("RefundTo", "wallet")];
        var credited = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", toWallet);
        var twice = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", toWallet);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (credited.StatusCode, twice.StatusCode));
        Assert.Contains("remboursé au portefeuille de l'élève", await TextAsync(await manager.GetAsync(credited.Headers.Location)));
        await Eventually.TrueAsync(async () => (await purse.GetCompartmentsAsync())[0].BalanceCents == before + 2_000);
        var bySchool = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "cn-3"), ("Amount", "10"),
            ("Reason", "Remboursé le 21/11 sur BE68 5390 0754 7034"), ("RefundTo", "school"));
        Assert.Equal(HttpStatusCode.Redirect, bySchool.StatusCode);
        var tooMuch = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "cn-4"), ("Amount", "30,01"), ("Reason", "Tout"),
            ("RefundTo", "wallet"));
        Assert.Contains("ne peut dépasser le reste à payer (0,00 €) et ce qui a déjà été payé (30,00 €)", await TextAsync(tooMuch));

        var view = (await invoice.GetAsync())!;
        Assert.Equal((3_000L, 3_000L, 3_000L, InvoiceState.Paid), (view.CreditedCents, view.PaidCents, view.RefundedCents, view.State));
        Assert.Equal(before + 2_000, (await purse.GetCompartmentsAsync())[0].BalanceCents);
        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");
        var details = await TextAsync(await parent.GetAsync($"/e/demo/finances/factures/{id}"));
        Assert.Contains("20,00 € remboursés au portefeuille", details);
        Assert.Contains("10,00 € remboursés par l'école (virement)", details);
        Assert.Contains("data-refunded=\"3000\"", details);
        using var pdf = PdfDocument.Open(await parent.GetByteArrayAsync($"/e/demo/finances/factures/{id}/facture.pdf"));
        var words = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Note de crédit · Car annulé · 20,00 € remboursés au portefeuille", words);
        Assert.Contains("Déjà payé -60,00 €", words);
        Assert.Contains("Remboursé 30,00 €", words);
        Assert.Contains("Reste à payer 0,00 €", words);
    }

    [Fact]
    public async Task Texts_longer_than_the_forms_allow_get_a_clear_message_and_change_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await CountAsync("SELECT count(*) FROM invoices");
        const string form = "/e/demo/gestion/factures/nouvelle";

        var label = await Forms.PostAsync(manager, form, form, ("Key", "long-1"), ("Classes", "4B"), ("Label", new string('L', 500)),
            ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"), ("LineLabel", "Place"), ("Quantity", "1"), ("UnitPrice", "5"));
        Assert.Contains("Le libellé est trop long : 200 caractères au plus.", await TextAsync(label));
        var line = await Forms.PostAsync(manager, form, form, ("Key", "long-2"), ("Classes", "4B"), ("Label", "Sortie"),
            ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"), ("LineLabel", new string('l', 201)), ("Quantity", "1"), ("UnitPrice", "5"));
        Assert.Contains("Le libellé d'une ligne est trop long", await TextAsync(line));
        var grouped = await Forms.PostAsync(manager, "/e/demo/gestion/factures/frais", "/e/demo/gestion/factures/frais/facturer",
            ("Key", "long-3"), ("Label", new string('g', 201)), ("From", "2026-10-01"), ("To", "2026-10-31"), ("DueOn", "2099-01-31"));
        Assert.Contains("Indiquez un libellé (200 caractères au plus)", await TextAsync(grouped));
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM invoices"));

        var (id, invoice) = await IssueAsync(await DemoPupils.IdAsync(web, "Lucas"));
        var page = $"/e/demo/gestion/factures/{id}";
        var reason = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "long-4"), ("Amount", "5"), ("Reason", new string('r', 201)));
        Assert.Contains("Indiquez le motif de la note de crédit (200 caractères au plus).", await TextAsync(reason));
        Assert.Equal(0, (await invoice.GetAsync())!.CreditedCents);
        // The form says the same limits.
        Assert.Matches($"name=\"Label\"[^>]*maxlength=\"{InvoiceLimits.Label}\"", await manager.GetStringAsync(form));
    }

    [Fact]
    public async Task Paying_a_selection_first_shows_its_total_and_moves_nothing_and_a_forged_selection_is_not_found()
    {
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        var (first, _) = await IssueAsync(benoit);
        var (second, _) = await IssueAsync(benoit);
        var (foreign, _) = await IssueAsync(await DemoPupils.IdAsync(web, "Chloé"));
        var purse = Grains.GetGrain<IPurseGrain>(benoit);
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;
        var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{benoit}");
        const string url = "/e/demo/finances/factures/selection/confirmation";

        var confirm = await Forms.PostAsync(amelie, "/e/demo/finances/factures", url, ("Key", "confirm-1"), ("Invoices", first.ToString()),
            ("Invoices", second.ToString()));

        var html = await TextAsync(confirm);
        Assert.Contains("data-total=\"12000\"", html);
        Assert.Contains("Confirmer et payer 120,00 €", html);
        Assert.Contains("hx-post=\"finances/factures/selection/portefeuille\"", html);
        Assert.Contains("name=\"Key\" value=\"confirm-1\"", html);
        Assert.Equal(before, (await purse.GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(amelie, "/e/demo/finances/factures", url, ("Key", "confirm-2"),
            ("Invoices", first.ToString()), ("Invoices", foreign.ToString()))).StatusCode);
        Assert.Contains("Cochez au moins une facture", await TextAsync(await Forms.PostAsync(amelie, "/e/demo/finances/factures", url, ("Key", "confirm-3"))));
    }

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    async Task<(Guid Id, IInvoiceGrain Grain)> IssueAsync(Guid pupil)
    {
        var id = Guid.CreateVersion7();
        var grain = Grains.GetGrain<IInvoiceGrain>(id);
        Assert.Null((await grain.IssueAsync(InvoiceCluster.Trip(pupil))).Problem);
        return (id, grain);
    }

    /// <summary>An invoice of a school of its own, which the demo school's manager must never reach.</summary>
    async Task<(Guid Id, IInvoiceGrain Grain)> ForeignInvoiceAsync()
    {
        var school = await TestSchools.CreateAsync(Db);
        var pupil = Guid.CreateVersion7();
        await using (var insert = Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Autre', 'École', '4B')"))
        {
            insert.Parameters.AddWithValue("id", pupil);
            insert.Parameters.AddWithValue("school", school);
            await insert.ExecuteNonQueryAsync();
        }
        var id = Guid.CreateVersion7();
        var grain = Grains.GetGrain<IInvoiceGrain>(id);
        Assert.Null((await grain.IssueAsync(InvoiceCluster.Trip(pupil, schoolId: school))).Problem);
        Assert.NotEqual(DemoSchool.Id, (await grain.GetAsync())!.SchoolId);
        return (id, grain);
    }

    Task<long> MailsAboutAsync(string number) =>
        CountAsync("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%' || @number || '%'", ("number", number));

    async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}