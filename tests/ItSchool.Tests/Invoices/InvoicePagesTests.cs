using System.Net;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Invoices;

public sealed class InvoicePagesTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_demo_school_starts_with_Lefevre_invoices_in_every_state_of_the_legend()
    {
        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Benoît")}");
        var benoit = await parent.GetStringAsync("/e/demo/finances/factures");
        Assert.Contains("data-state=\"Overdue\"", benoit);
        Assert.Contains("data-state=\"Paid\"", benoit);
        Assert.DoesNotContain("Excursion", benoit);

        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var rows = await new InvoiceList(db).SearchAsync(new InvoiceFilter(DemoSchool.Id), InvoiceStates.Today(web.Clock));
        Assert.Equal([InvoiceState.Open, InvoiceState.Overdue, InvoiceState.Paid, InvoiceState.Credited],
            rows.Where(r => r.PupilName.StartsWith("Lefèvre")).Select(r => r.State).Distinct().Order());
        var dashboard = await parent.GetStringAsync("/e/demo/tableau-de-bord");
        Assert.Contains("Vous avez 1 facture(s) à payer", dashboard);
    }

    [Fact]
    public async Task A_manager_bills_a_whole_class_once_even_if_the_form_is_sent_twice()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var key = Guid.NewGuid().ToString();
        (string, string)[] form =
        [
            ("Key", key), ("ClassName", "4B"), ("Label", "Sortie théâtre"), ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"),
            ("LineLabel", "Place"), ("Quantity", "1"), ("UnitPrice", "12,50"), ("LineLabel", "Bus"), ("Quantity", "1"), ("UnitPrice", "3"),
        ];
        var first = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle", form);
        var second = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle", form);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var theatre = (await new InvoiceList(db).SearchAsync(new InvoiceFilter(DemoSchool.Id, ClassName: "4B"), InvoiceStates.Today(web.Clock)))
            .Where(r => r.Label == "Sortie théâtre").ToList();
        Assert.Equal(["Dubois Chloé", "Lefèvre Lucas"], theatre.Select(r => r.PupilName).Order());
        Assert.All(theatre, r => Assert.Equal(1_550, r.TotalCents));

        var list = await manager.GetStringAsync("/e/demo/gestion/factures?classe=4B");
        Assert.Contains("Sortie théâtre", list);
        Assert.DoesNotContain("Garderie Étude", list);
        var csv = await manager.GetStringAsync("/e/demo/gestion/factures/export.csv?classe=4B");
        Assert.Contains(theatre[0].Number, csv);
        Assert.Contains("15,50", csv);
    }

    [Fact]
    public async Task A_bad_invoice_form_gets_a_clear_message_and_issues_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var before = await CountAsync(db);

        var noLines = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle",
            ("Key", "k1"), ("ClassName", "4B"), ("Label", "Vide"), ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"));
        Assert.Contains("Ajoutez au moins une ligne.", await noLines.Content.ReadAsStringAsync());
        var badPrice = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle",
            ("Key", "k2"), ("ClassName", "4B"), ("Label", "Prix"), ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"),
            ("LineLabel", "Place"), ("Quantity", "1"), ("UnitPrice", "douze"));
        Assert.Contains("Chaque ligne a besoin", await badPrice.Content.ReadAsStringAsync());
        var foreignPupil = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle",
            ("Key", "k3"), ("Pupils", Guid.NewGuid().ToString()), ("Label", "Intrus"), ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"),
            ("LineLabel", "Place"), ("Quantity", "1"), ("UnitPrice", "5"));
        Assert.Contains("Choisissez une classe ou au moins un élève", await foreignPupil.Content.ReadAsStringAsync());

        Assert.Equal(before, await CountAsync(db));
    }

    [Fact]
    public async Task A_manager_credits_part_of_an_invoice_and_a_forged_id_changes_nothing()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var id = Guid.CreateVersion7();
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IInvoiceGrain>(id).IssueAsync(InvoiceCluster.Trip(lucas) with { SchoolId = DemoSchool.Id });
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{id}";

        var tooMuch = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "cn-a"), ("Amount", "100"), ("Reason", "Geste"));
        Assert.Contains("ne peut dépasser le reste à payer", await tooMuch.Content.ReadAsStringAsync());
        var credited = await Forms.PostAsync(manager, page, $"{page}/note-de-credit", ("Key", "cn-b"), ("Amount", "10"), ("Reason", "Car offert"));
        Assert.Equal(HttpStatusCode.Redirect, credited.StatusCode);
        Assert.Equal(1_000, (await grains.GetGrain<IInvoiceGrain>(id).GetAsync())!.CreditedCents);

        var forged = await Forms.PostAsync(manager, page, $"/e/demo/gestion/factures/{Guid.NewGuid()}/note-de-credit",
            ("Key", "cn-c"), ("Reason", "x"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/factures/{Guid.NewGuid()}")).StatusCode);
        var parent = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync(page)).StatusCode);
    }

    [Fact]
    public async Task A_manager_settles_a_flagged_overpayment_once_and_a_refund_needs_a_note()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var id = Guid.CreateVersion7();
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var invoice = grains.GetGrain<IInvoiceGrain>(id);
        await invoice.IssueAsync(InvoiceCluster.Trip(lucas) with { SchoolId = DemoSchool.Id });
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await new InvoiceSettingsStore(db, new WalletSettingsStore(db)).SaveAsync(DemoSchool.Id, InvoiceSettings.Default with { Overpayment = ExcessHandling.Flag });
        try
        {
            await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-PAGE-SETTLE", 7_500, new DateOnly(2026, 11, 20), "Pierre Lefèvre"));
        }
        finally
        {
            await new InvoiceSettingsStore(db, new WalletSettingsStore(db)).SaveAsync(DemoSchool.Id, InvoiceSettings.Default);
        }
        var balance = async () => (await grains.GetGrain<IPurseGrain>(lucas).GetCompartmentsAsync())[0].BalanceCents;
        var before = await balance();
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"/e/demo/gestion/factures/{id}";
        Assert.Contains("Trop-perçu à régler : 15,00", WebUtility.HtmlDecode(await manager.GetStringAsync(page)));
        var toSettle = await manager.GetStringAsync("/e/demo/gestion/factures?trop-percu=1");
        Assert.Contains(id.ToString(), toSettle);
        Assert.DoesNotContain("data-state=\"Overdue\"", toSettle);

        var noNote = await Forms.PostAsync(manager, page, $"{page}/trop-percu", ("Key", "settle-a"), ("To", "refund"));
        Assert.Contains("pour un remboursement, notez quand", WebUtility.HtmlDecode(await noNote.Content.ReadAsStringAsync()));
        var tooMuch = await Forms.PostAsync(manager, page, $"{page}/trop-percu", ("Key", "settle-b"), ("Amount", "16"), ("To", "wallet"));
        Assert.Contains("ne pas dépasser le trop-perçu", WebUtility.HtmlDecode(await tooMuch.Content.ReadAsStringAsync()));
        for (var i = 0; i < 2; i++)
        {
            // The same form sent twice (a double click) settles once.
            var toWallet = await Forms.PostAsync(manager, page, $"{page}/trop-percu", ("Key", "settle-c"), ("Amount", "5"), ("To", "wallet"));
            Assert.Equal(HttpStatusCode.Redirect, toWallet.StatusCode);
        }
        Assert.Equal(before + 500, await balance());
        var refunded = await Forms.PostAsync(manager, page, $"{page}/trop-percu", ("Key", "settle-d"), ("To", "refund"),
            ("Note", "Remboursé le 21/11 sur BE68 5390 0754 7034"));
        Assert.Equal(HttpStatusCode.Redirect, refunded.StatusCode);
        var after = WebUtility.HtmlDecode(await manager.GetStringAsync(refunded.Headers.Location!.ToString()));
        Assert.Contains("Remboursement du trop-perçu enregistré", after);
        Assert.DoesNotContain("Trop-perçu à régler", after);
        Assert.Equal((0L, before + 500), ((await invoice.GetAsync())!.FlaggedCents, await balance()));

        var forged = await Forms.PostAsync(manager, page, $"/e/demo/gestion/factures/{Guid.NewGuid()}/trop-percu", ("Key", "settle-e"), ("To", "wallet"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
    }

    [Fact]
    public async Task A_parent_cannot_see_or_pay_another_familys_invoice()
    {
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var id = Guid.CreateVersion7();
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IInvoiceGrain>(id).IssueAsync(InvoiceCluster.Trip(lucas));
        var marc = await SignedIn.AsAsync(web, "marc.dubois");

        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/finances/factures/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/finances/factures/{id}/virement")).StatusCode);
        var pay = await Forms.PostAsync(marc, "/e/demo/finances/factures", $"/e/demo/finances/factures/{id}/portefeuille", ("Key", "steal"));
        Assert.Equal(HttpStatusCode.NotFound, pay.StatusCode);
        Assert.Equal(0, (await grains.GetGrain<IInvoiceGrain>(id).GetAsync())!.PaidCents);
    }

    [Fact]
    public async Task The_settings_say_which_ways_of_paying_parents_are_offered()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var saved = await Forms.PostAsync(manager, "/e/demo/gestion/factures/reglages", "/e/demo/gestion/factures/reglages",
            ("BankTransfer", "true"), ("Wallet", "true"), ("Overpayment", "flag"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        try
        {
            Assert.Equal(new InvoiceSettings(true, false, true, false, ExcessHandling.Flag), await new InvoiceSettingsStore(db, new WalletSettingsStore(db)).LoadAsync(DemoSchool.Id));
        }
        finally
        {
            await new InvoiceSettingsStore(db, new WalletSettingsStore(db)).SaveAsync(DemoSchool.Id, InvoiceSettings.Default);
        }
    }

    [Fact]
    public async Task A_parent_pays_a_selection_of_invoices_from_the_wallet_once_and_never_another_familys()
    {
        var geneviève = await DemoPupils.IdAsync(web, "Geneviève");
        var grains = web.Services.GetRequiredService<IGrainFactory>();
        var first = (await grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7()).IssueAsync(InvoiceCluster.Trip(geneviève))).Invoice!;
        var second = (await grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7()).IssueAsync(InvoiceCluster.Trip(geneviève))).Invoice!;
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var foreign = (await grains.GetGrain<IInvoiceGrain>(Guid.CreateVersion7()).IssueAsync(InvoiceCluster.Trip(chloe))).Invoice!;
        var purse = grains.GetGrain<IPurseGrain>(geneviève);
        await purse.CreditAsync(InvoiceCluster.TopUp(15_000));
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;
        var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(amelie, "/e/demo/comptes", $"/e/demo/comptes/{geneviève}");
        const string url = "/e/demo/finances/factures/selection/portefeuille";

        var forged = await Forms.PostAsync(amelie, "/e/demo/finances/factures", url,
            ("Key", "sel-0"), ("Invoices", first.Id.ToString()), ("Invoices", foreign.Id.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(before, (await purse.GetCompartmentsAsync())[0].BalanceCents);

        (string, string)[] form = [("Key", "sel-1"), ("Invoices", first.Id.ToString()), ("Invoices", second.Id.ToString())];
        var paid = await Forms.PostAsync(amelie, "/e/demo/finances/factures", url, form);
        var again = await Forms.PostAsync(amelie, "/e/demo/finances/factures", url, form);

        var html = WebUtility.HtmlDecode(await paid.Content.ReadAsStringAsync());
        Assert.Equal(2, html.Split("data-accepted=\"true\"").Length - 1);
        Assert.Equal(html, WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
        Assert.Equal(before - 12_000, (await purse.GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(InvoiceState.Paid, (await grains.GetGrain<IInvoiceGrain>(first.Id).GetAsync())!.State);
        Assert.Equal(InvoiceState.Paid, (await grains.GetGrain<IInvoiceGrain>(second.Id).GetAsync())!.State);
        Assert.Equal(0, (await grains.GetGrain<IInvoiceGrain>(foreign.Id).GetAsync())!.PaidCents);
    }

    static async Task<long> CountAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM invoices");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}