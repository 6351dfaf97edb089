using System.Net;
using System.Text;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Textbooks;
using static ItSchool.Tests.Textbooks.TextbookRig;

namespace ItSchool.Tests.Textbooks;

/// <summary>The school's textbook pages over HTTP: the editor's checks, who has not answered and the reminder, the bookseller's CSV, the marks and the deposit refunded once.</summary>
public sealed class SchoolTextbookPagesTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    const string Admin = "/e/demo/gestion/manuels";
    const string New = Admin + "/nouvelle";

    public Task InitializeAsync() => ModulesOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_invalid_isbn_and_other_bad_input_are_refused_in_words_and_store_nothing()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var day = Today(web);
        var before = await CountAsync(web, "SELECT count(*) FROM textbook_lists");

        (string, string)[] Form(string isbn, params (string, string)[] more) =>
        [
            ("Class", child.ClassName), ("Year", "2026"), ("Opens", $"{day:yyyy-MM-dd}"), ("Closes", $"{day.AddDays(20):yyyy-MM-dd}"), ("Payment", "invoice"),
            ("DueDays", "14"), ("I0.Title", "Grammaire 6e"), ("I0.Publisher", "Van In"), ("I0.Isbn", isbn), ("I0.Price", "18,50"), ("I0.Kind", "buy"),
            ("I0.Compulsory", "1"), .. more,
        ];
        async Task RefusedAsync(string message, params (string, string)[] fields)
        {
            var html = await TextAsync(await Forms.PostAsync(manager, New, New, fields));
            Assert.Contains("role=\"alert\"", html);
            Assert.Contains(message, html);
            Assert.Contains("value=\"Grammaire 6e\"", html);
            Assert.Equal(before, await CountAsync(web, "SELECT count(*) FROM textbook_lists"));
        }

        await RefusedAsync("« Grammaire 6e » : l'ISBN n'est pas valable", Form("978-90-306-8431-3"));
        await RefusedAsync("« Grammaire 6e » : l'ISBN n'est pas valable", Form("978-90-306-843"));
        await RefusedAsync("« Grammaire 6e » : le prix doit être un montant", [.. Form("978-90-306-8431-2").Where(f => f.Item1 != "I0.Price"), ("I0.Price", "-4")]);
        await RefusedAsync("« Atlas » : une location a une date de retour", Form("978-90-306-8431-2", ("I1.Title", "Atlas"), ("I1.Kind", "rent"), ("I1.Price", "5"),
            ("I1.Deposit", "20")));
        await RefusedAsync("Choisissez une classe de l'école.", [.. Form("978-90-306-8431-2").Where(f => f.Item1 != "Class"), ("Class", "9Z")]);
        await RefusedAsync("La date de fermeture précède l'ouverture.", [.. Form("978-90-306-8431-2").Where(f => f.Item1 != "Closes"),
            ("Closes", $"{day.AddDays(-2):yyyy-MM-dd}")]);
        await RefusedAsync("Choisissez le paiement", [.. Form("978-90-306-8431-2").Where(f => f.Item1 != "Payment"), ("Payment", "wallet"), ("Compartment", "7")]);

        var created = await Forms.PostAsync(manager, New, New, Form("978-90-306-8431-2", ("I1.Title", "Atlas"), ("I1.Kind", "rent"), ("I1.Price", "5"),
            ("I1.Deposit", "20"), ("I1.ReturnOn", $"{day.AddDays(200):yyyy-MM-dd}")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        before++;
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM textbook_items i JOIN textbook_lists l ON l.id = i.list_id WHERE l.class_name = @c AND i.isbn = '9789030684312'",
            ("c", child.ClassName)));
        // One list per class and school year.
        await RefusedAsync("Cette classe a déjà une liste pour cette année scolaire", Form("978-90-306-8431-2"));
        var lists = WebUtility.HtmlDecode(await manager.GetStringAsync(Admin));
        Assert.Contains($"Manuels scolaires {child.ClassName} · 2026-2027", lists);
        // The demo's 6A list is there too.
        Assert.Contains("Manuels scolaires 6A", lists);
    }

    [Fact]
    public async Task Once_a_family_answered_the_items_are_locked_but_the_dates_can_move()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Invoice, Grammar);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(marc, list.Id, child.Id, (list.Items[0].Id, "order"))).StatusCode);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var edit = $"{Admin}/{list.Id}/modifier";
        var fields = new List<(string, string)>
        {
            ("Class", child.ClassName), ("Year", "2026"), ("Opens", $"{list.OpensOn:yyyy-MM-dd}"), ("Closes", $"{list.ClosesOn.AddDays(5):yyyy-MM-dd}"),
            ("Payment", "invoice"), ("DueDays", "14"), ("I0.Id", list.Items[0].Id.ToString()), ("I0.Title", "Grammaire 6e"), ("I0.Publisher", "Van In"),
            ("I0.Isbn", "9789030684312"), ("I0.Price", "18,50"), ("I0.Kind", "buy"), ("I0.Compulsory", "1"),
        };
        var html = await TextAsync(await Forms.PostAsync(manager, edit, edit, [.. fields.Where(f => f.Item1 != "I0.Price"), ("I0.Price", "25,00")]));
        Assert.Contains("Des familles ont déjà répondu : les articles ne peuvent plus changer", html);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, edit, edit, [.. fields])).StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM textbook_lists WHERE id = @id AND closes_on = @d", ("id", list.Id), ("d", list.ClosesOn.AddDays(5))));
        Assert.Equal(1_850, await CountAsync(web, "SELECT price_cents FROM textbook_items WHERE list_id = @id", ("id", list.Id)));
    }

    [Fact]
    public async Task The_school_sees_who_has_not_answered_and_reminds_only_them_once_per_click()
    {
        var answered = await ChildAsync(web, 0, "marc.dubois");
        var late = await ClassmateAsync(web, answered.ClassName, "Retard", "amelie.lefevre", "pierre.lefevre");
        var list = await OpenListAsync(web, answered.ClassName, TextbookPayment.Invoice, Grammar);
        var marc = await ParentAsync(web, "marc.dubois", answered.Id);
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(marc, list.Id, answered.Id, (list.Items[0].Id, "order"))).StatusCode);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"{Admin}/{list.Id}";

        var html = WebUtility.HtmlDecode(await manager.GetStringAsync(page));
        Assert.Contains("Sans réponse : 1 élèves sur 2", html);
        Assert.Contains($"data-pupil=\"{late}\">Manuel Retard", html);
        Assert.Contains("Réponses (1)", html);

        async Task<long> MailsAsync(string address) => await CountAsync(web,
            "SELECT count(*) FROM mail_outbox WHERE recipient_address = @a AND subject LIKE @s", ("a", address), ("s", $"Manuels scolaires {answered.ClassName}%"));
        var remind = await Forms.PostAsync(manager, page, $"{page}/relancer");
        Assert.EndsWith("?ok=reminded&n=2", remind.Headers.Location!.ToString());
        Assert.Equal(1, await MailsAsync("amelie.lefevre@example.be"));
        Assert.Equal(0, await MailsAsync("marc.dubois@example.be"));
        // A double click sends nothing more; a reminder later sends again.
        remind = await Forms.PostAsync(manager, page, $"{page}/relancer");
        Assert.EndsWith("?ok=reminder-repeat", remind.Headers.Location!.ToString());
        Assert.Equal(1, await MailsAsync("amelie.lefevre@example.be"));
        web.Clock.Advance(TimeSpan.FromMinutes(3));
        await Forms.PostAsync(manager, page, $"{page}/relancer");
        Assert.Equal(2, await MailsAsync("amelie.lefevre@example.be"));
        Assert.Equal(0, await MailsAsync("marc.dubois@example.be"));
    }

    [Fact]
    public async Task The_bookseller_csv_has_the_totals_per_title()
    {
        var first = await ChildAsync(web, 0, "marc.dubois");
        var second = await ClassmateAsync(web, first.ClassName, "Deuxième", "amelie.lefevre");
        var list = await OpenListAsync(web, first.ClassName, TextbookPayment.Invoice, Grammar, Atlas(Today(web).AddDays(200)), Dictionary);
        var (grammar, atlas, dictionary) = (list.Items[0].Id, list.Items[1].Id, list.Items[2].Id);
        await ConfirmAsync(await ParentAsync(web, "marc.dubois", first.Id), list.Id, first.Id, (grammar, "order"), (atlas, "order"), (dictionary, "order"));
        await ConfirmAsync(await ParentAsync(web, "amelie.lefevre", second), list.Id, second, (grammar, "order"), (atlas, "owned"), (dictionary, "not_needed"));
        var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var response = await manager.GetAsync($"{Admin}/{list.Id}/libraire.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("\"Titre\";\"Éditeur\";\"ISBN\";\"Achat/location\";\"Quantité\";\"Prix unitaire\";\"Montant\"", lines[0]);
        Assert.Equal("\"Grammaire 6e\";\"Van In\";9789030684312;\"achat\";2;18,50;37,00", lines[1]);
        Assert.Equal("\"Atlas du monde\";\"De Boeck\";9782804169343;\"location\";1;5,00;5,00", lines[2]);
        Assert.Equal("\"Dictionnaire junior\";\"Le Robert\";\"204012344X\";\"achat\";1;24,90;24,90", lines[3]);
        Assert.Contains(lines, l => l.StartsWith($"\"{first.ClassName}\";\"Manuel {first.FirstName}\";\"Dictionnaire junior\";", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith($"\"{first.ClassName}\";\"Manuel Deuxième\";\"Atlas", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{Guid.NewGuid()}/libraire.csv")).StatusCode);
    }

    [Fact]
    public async Task A_rental_returned_twice_refunds_its_deposit_once_and_forged_marks_change_nothing()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar, Atlas(Today(web).AddDays(200)));
        var (grammar, atlas) = (list.Items[0].Id, list.Items[1].Id);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);
        await ConfirmAsync(marc, list.Id, child.Id, (grammar, "order"), (atlas, "order"));
        Assert.Equal(10_000 - 4_350, await BalanceAsync(web, child.Id));
        var confirmation = await ConfirmationIdAsync(web, child.Id);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"{Admin}/{list.Id}";
        string Mark(Guid item, string what) => $"{page}/reponses/{confirmation}/{item}/{what}";

        // Not handed out yet: it cannot come back.
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, Mark(atlas, "rendu"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, page, Mark(grammar, "remis"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, page, Mark(atlas, "remis"))).StatusCode);
        // A bought book is never returned; a forged item, answer or list is unknown.
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, Mark(grammar, "rendu"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, Mark(Guid.NewGuid(), "remis"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, $"{page}/reponses/{Guid.NewGuid()}/{atlas}/rendu")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, page, $"{Admin}/{Guid.NewGuid()}/reponses/{confirmation}/{atlas}/rendu")).StatusCode);
        Assert.Equal(10_000 - 4_350, await BalanceAsync(web, child.Id));

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, page, Mark(atlas, "rendu"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, page, Mark(atlas, "rendu"))).StatusCode);
        Assert.Equal(10_000 - 4_350 + 2_000, await BalanceAsync(web, child.Id));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND idempotency_key LIKE 'textbook-deposit-refund/%'",
            ("p", child.Id)));
        // The family sees both marks.
        var seen = WebUtility.HtmlDecode(await marc.GetStringAsync(ListUrl(list.Id)));
        Assert.Contains($"Remis le {SchoolTime.Date(Today(web))}", seen);
        Assert.Contains($"Rendu le {SchoolTime.Date(Today(web))}", seen);
        // Parents cannot mark anything.
        Assert.NotEqual(HttpStatusCode.Redirect, (await marc.PostAsync(Mark(atlas, "rendu"), new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task A_rental_paid_by_invoice_is_credited_its_deposit_once_when_returned()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Invoice, Atlas(Today(web).AddDays(200)));
        var atlas = list.Items[0].Id;
        await ConfirmAsync(await ParentAsync(web, "marc.dubois", child.Id), list.Id, child.Id, (atlas, "order"));
        var confirmation = await ConfirmationIdAsync(web, child.Id);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = $"{Admin}/{list.Id}";
        await Forms.PostAsync(manager, page, $"{page}/reponses/{confirmation}/{atlas}/remis");
        await Forms.PostAsync(manager, page, $"{page}/reponses/{confirmation}/{atlas}/rendu");
        await Forms.PostAsync(manager, page, $"{page}/reponses/{confirmation}/{atlas}/rendu");

        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM invoice_movements WHERE invoice_id = @i AND kind = 'credit_note'", ("i", confirmation)));
        Assert.Equal(2_000, await CountAsync(web, "SELECT sum(received_cents) FROM invoice_movements WHERE invoice_id = @i AND kind = 'credit_note'", ("i", confirmation)));
    }
}