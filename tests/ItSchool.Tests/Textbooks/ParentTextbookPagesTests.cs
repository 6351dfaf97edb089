using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Textbooks;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using static ItSchool.Tests.Textbooks.TextbookRig;

namespace ItSchool.Tests.Textbooks;

/// <summary>The families' textbook pages over HTTP: each rule and each bad input says why and changes nothing; money moves once.</summary>
public sealed class ParentTextbookPagesTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    public Task InitializeAsync() => ModulesOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Another_familys_child_answers_404_and_nothing_is_confirmed()
    {
        var chloe = await ChildAsync(web, 10_000, "marc.dubois");
        var other = await ChildAsync(web, 10_000, "amelie.lefevre");
        var theirs = await OpenListAsync(web, other.ClassName, TextbookPayment.Wallet, Grammar);
        var mine = await OpenListAsync(web, chloe.ClassName, TextbookPayment.Wallet, Grammar);
        var marc = await ParentAsync(web, "marc.dubois", chloe.Id);

        // Another class's list is not shown, not listed, not answerable.
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync(ListUrl(theirs.Id))).StatusCode);
        Assert.DoesNotContain(theirs.Id.ToString(), await marc.GetStringAsync("/e/demo/manuels"));
        var token = Forms.AntiforgeryToken(await marc.GetStringAsync(ListUrl(mine.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(marc, theirs.Id, token, other.Id, (theirs.Items[0].Id, "order"))).StatusCode);
        // Chloé's list posted for a child Marc does not guard.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(marc, mine.Id, token, other.Id, (mine.Items[0].Id, "order"))).StatusCode);
        Assert.Equal(0, await ConfirmationsOfAsync(web, other.Id));
        Assert.Equal(0, await ConfirmationsOfAsync(web, chloe.Id));
        Assert.Equal(10_000, await BalanceAsync(web, other.Id));

        // The other family's confirmation and its PDF stay theirs.
        var amelie = await ParentAsync(web, "amelie.lefevre", other.Id);
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(amelie, theirs.Id, other.Id, (theirs.Items[0].Id, "order"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"{ListUrl(theirs.Id)}/confirmation.pdf")).StatusCode);
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM textbook_reads r JOIN textbook_confirmations c ON c.id = r.confirmation_id WHERE c.pupil_id = @p",
            ("p", other.Id)));
    }

    [Fact]
    public async Task Outside_its_dates_a_list_is_read_only_says_them_and_takes_no_answer()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var today = Today(web);
        var closed = await ListAsync(web, child.ClassName, today.AddDays(-20), today.AddDays(-1), TextbookPayment.Wallet, Grammar);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var page = WebUtility.HtmlDecode(await marc.GetStringAsync(ListUrl(closed.Id)));
        Assert.Contains($"Cette liste est ouverte du {SchoolTime.Date(today.AddDays(-20))} au {SchoolTime.Date(today.AddDays(-1))}.", page);
        Assert.Contains("Elle est fermée", page);
        Assert.DoesNotContain("Confirmer mes choix", page);
        var refused = await TextAsync(await ConfirmAsync(marc, closed.Id, child.Id, (closed.Items[0].Id, "order")));
        Assert.Contains("elle est fermée. Rien n'a été confirmé", refused);
        Assert.Equal(0, await ConfirmationsOfAsync(web, child.Id));
        Assert.Equal(10_000, await BalanceAsync(web, child.Id));

        // Next school year's list, not open yet: the same, in its own words.
        var early = await ListAsync(web, child.ClassName, 2027, today.AddDays(3), today.AddDays(9), TextbookPayment.Wallet, Grammar);
        refused = await TextAsync(await ConfirmAsync(marc, early.Id, child.Id, (early.Items[0].Id, "order")));
        Assert.Contains("elle n'est pas encore ouverte. Rien n'a été confirmé", refused);
        Assert.Equal(0, await ConfirmationsOfAsync(web, child.Id));
    }

    [Fact]
    public async Task A_forged_item_a_missing_choice_and_a_compulsory_item_not_needed_are_refused_in_words()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar, Dictionary);
        var (grammar, dictionary) = (list.Items[0].Id, list.Items[1].Id);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var page = await TextAsync(await ConfirmAsync(marc, list.Id, child.Id, (grammar, "order"), (dictionary, "order"), (Guid.NewGuid(), "order")));
        Assert.Contains("Un des articles choisis n'est pas (ou plus) sur cette liste : rien n'a été confirmé", page);
        page = await TextAsync(await ConfirmAsync(marc, list.Id, child.Id, (grammar, "order"), (dictionary, "buy-it-twice")));
        Assert.Contains("Un des articles choisis n'est pas (ou plus) sur cette liste", page);
        page = await TextAsync(await ConfirmAsync(marc, list.Id, child.Id, (grammar, "order")));
        Assert.Contains("Choisissez une réponse pour « Dictionnaire junior »", page);
        page = await TextAsync(await ConfirmAsync(marc, list.Id, child.Id, (grammar, "not_needed"), (dictionary, "order")));
        Assert.Contains("« Grammaire 6e » est obligatoire : commandez-le ou indiquez que vous l'avez déjà", page);
        // The page offers "not needed" for the optional item only.
        Assert.Contains($"name=\"c.{dictionary}\" value=\"not_needed\"", page);
        Assert.DoesNotContain($"name=\"c.{grammar}\" value=\"not_needed\"", page);
        Assert.Equal(0, await ConfirmationsOfAsync(web, child.Id));
        Assert.Equal(10_000, await BalanceAsync(web, child.Id));
    }

    [Fact]
    public async Task Confirming_twice_from_the_wallet_debits_each_item_once_and_shows_the_same_confirmation()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar, Atlas(Today(web).AddDays(200)), Dictionary);
        var (grammar, atlas, dictionary) = (list.Items[0].Id, list.Items[1].Id, list.Items[2].Id);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        // A double click: two posts of the same page, the second before the first is shown.
        var token = Forms.AntiforgeryToken(await marc.GetStringAsync(ListUrl(list.Id)));
        var choices = new[] { (grammar, "order"), (atlas, "order"), (dictionary, "not_needed") };
        var answers = await Task.WhenAll(PostAsync(marc, list.Id, token, child.Id, choices), PostAsync(marc, list.Id, token, child.Id, choices));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(answers, a => a.Headers.Location!.ToString().EndsWith("?ok=confirmed", StringComparison.Ordinal));
        var again = await ConfirmAsync(marc, list.Id, child.Id, (grammar, "owned"), (atlas, "owned"), (dictionary, "not_needed"));
        Assert.EndsWith("?ok=already", again.Headers.Location!.ToString());

        Assert.Equal(1, await ConfirmationsOfAsync(web, child.Id));
        // 18,50 € for the grammar, 5,00 € rent and 20,00 € deposit for the atlas: three entries, once each.
        Assert.Equal(10_000 - 1_850 - 500 - 2_000, await BalanceAsync(web, child.Id));
        Assert.Equal(3, await CountAsync(web, "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND idempotency_key LIKE 'textbook%'", ("p", child.Id)));
        var page = WebUtility.HtmlDecode(await marc.GetStringAsync($"{ListUrl(list.Id)}?ok=already"));
        Assert.Contains("Vos choix étaient déjà confirmés : rien n'a changé", page);
        Assert.Contains("43,50 € débités du portefeuille", page);
        Assert.Contains($"caution 20,00 €, à rendre le {SchoolTime.Date(Today(web).AddDays(200))}", page);
        Assert.DoesNotContain("Confirmer mes choix", page);
    }

    [Fact]
    public async Task A_wallet_short_of_the_total_confirms_nothing_and_moves_nothing()
    {
        var child = await ChildAsync(web, 2_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar, Maths);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var page = await TextAsync(await ConfirmAsync(marc, list.Id, child.Id, (list.Items[0].Id, "order"), (list.Items[1].Id, "order")));
        Assert.Contains("Le portefeuille ne contient que 20,00 € : rien n'a été confirmé ni débité", page);
        Assert.Equal(0, await ConfirmationsOfAsync(web, child.Id));
        Assert.Equal(2_000, await BalanceAsync(web, child.Id));
        // What the wallet can pay goes through.
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(marc, list.Id, child.Id, (list.Items[0].Id, "order"), (list.Items[1].Id, "owned"))).StatusCode);
        Assert.Equal(2_000 - 1_850, await BalanceAsync(web, child.Id));
    }

    [Fact]
    public async Task By_invoice_one_invoice_holds_the_items_and_the_confirmation_is_a_document_with_its_pdf()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Invoice, Grammar, Atlas(Today(web).AddDays(200)), Dictionary);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var choices = new[] { (list.Items[0].Id, "order"), (list.Items[1].Id, "order"), (list.Items[2].Id, "owned") };
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(marc, list.Id, child.Id, choices)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConfirmAsync(marc, list.Id, child.Id, choices)).StatusCode);

        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM invoices WHERE pupil_id = @p", ("p", child.Id)));
        Assert.Equal(1_850 + 500 + 2_000, await CountAsync(web, "SELECT total_cents FROM invoices WHERE pupil_id = @p", ("p", child.Id)));
        var page = WebUtility.HtmlDecode(await marc.GetStringAsync(ListUrl(list.Id)));
        Assert.Contains("Communication structurée", page);
        Assert.Matches(@"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", page);

        // The child's documents list the confirmation, unread, and it opens as the PDF.
        var documents = WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/documents"));
        Assert.Contains($"Confirmation des manuels scolaires {child.ClassName} 2026-2027", documents);
        Assert.Contains($"manuels/{list.Id}/confirmation.pdf", documents);
        var pdf = await marc.GetAsync($"{ListUrl(list.Id)}/confirmation.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Join(" ", document.GetPages().Select(p => p.Text));
            Assert.Contains("Grammaire 6e", text);
            Assert.Contains("Nous l'avons déjà", text);
            Assert.Contains("43,50", text);
        }
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM textbook_reads r JOIN textbook_confirmations c ON c.id = r.confirmation_id WHERE c.pupil_id = @p",
            ("p", child.Id)));
    }

    [Fact]
    public async Task An_answer_written_but_not_paid_when_the_node_stopped_is_paid_once_when_the_family_opens_it()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar, Atlas(Today(web).AddDays(200)));
        // What a stop between writing the answer and paying it leaves: the answer, no debit.
        var id = Guid.CreateVersion7();
        var (_, written) = await web.Services.GetRequiredService<TextbookStore>().InsertAsync(new TextbookConfirmation(id, list.Id, DemoSchool.Id, child.Id,
            TextbookPayment.Wallet, Compartment, null, 4_350, new ItSchool.Wallets.Actor(ItSchool.Wallets.ActorKind.User, null, "Marc Dubois"),
            DateTimeOffset.UtcNow, [.. list.Items.Select(i => new ChosenItem(i, TextbookChoice.Order, null, null))]));
        Assert.True(written);
        Assert.Equal(10_000, await BalanceAsync(web, child.Id));

        var marc = await ParentAsync(web, "marc.dubois", child.Id);
        Assert.Contains("43,50 € débités du portefeuille", WebUtility.HtmlDecode(await marc.GetStringAsync(ListUrl(list.Id))));
        Assert.Equal(10_000 - 4_350, await BalanceAsync(web, child.Id));
        await marc.GetStringAsync(ListUrl(list.Id));
        Assert.Equal(10_000 - 4_350, await BalanceAsync(web, child.Id));
        Assert.Equal(3, await CountAsync(web, "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND idempotency_key LIKE 'textbook%'", ("p", child.Id)));
    }

    [Fact]
    public async Task An_answer_to_items_the_school_changed_meanwhile_is_not_written()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var list = await OpenListAsync(web, child.ClassName, TextbookPayment.Wallet, Grammar);
        var seen = list.Items[0] with { PriceCents = 1_000 };
        var (confirmation, written) = await web.Services.GetRequiredService<TextbookStore>().InsertAsync(new TextbookConfirmation(Guid.CreateVersion7(),
            list.Id, DemoSchool.Id, child.Id, TextbookPayment.Wallet, Compartment, null, 1_000,
            new ItSchool.Wallets.Actor(ItSchool.Wallets.ActorKind.User, null, "Marc Dubois"), DateTimeOffset.UtcNow,
            [new ChosenItem(seen, TextbookChoice.Order, null, null)]));
        Assert.Null(confirmation);
        Assert.False(written);
        Assert.Equal(0, await ConfirmationsOfAsync(web, child.Id));
    }
}