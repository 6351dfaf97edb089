using System.Net;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using UglyToad.PdfPig;
using static ItSchool.Tests.Orders.ParentOrderRig;

namespace ItSchool.Tests.Orders;

/// <summary>The parents' order pages over HTTP: each rule and each bad input says why and changes nothing.</summary>
public sealed class ParentOrderPagesTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    static readonly Article Gourd = new("GOURDE", "Gourde", 800);
    static readonly Article Tshirt = new("TSHIRT", "T-shirt", 1200, null, ("S", 10), ("M", 2));

    public Task InitializeAsync() => OrdersOnAsync(web);

    public Task DisposeAsync() => Task.CompletedTask;

    Task<Guid> OpenShopAsync(string className, string title, OrderPayment payment = OrderPayment.Wallet, params Article[] articles) =>
        FormAsync(web, OrderKind.Shop, title, Today(web).AddDays(-1), Today(web).AddDays(10), [className], payment, articles.Length == 0 ? [Gourd, Tshirt] : articles);

    /// <summary>Orders two gourds from the form's page; answers the order's id from the summary it leads to.</summary>
    async Task<Guid> OrderGourdsAsync(HttpClient parent, Guid formId, Guid pupil)
    {
        var response = await OrderAsync(parent, formId, await ShowAsync(parent, formId), pupil, 1600, ("q.GOURDE", "2"), ("q.TSHIRT", "0"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Contains($"/e/demo/commandes/{formId}/", location);
        Assert.EndsWith("?ok=placed", location);
        return Guid.Parse(location.Split('/')[^1].Split('?')[0]);
    }

    [Fact]
    public async Task Another_familys_child_answers_404_and_nothing_is_ordered_or_cancelled()
    {
        var chloe = await ChildAsync(web, 5_000, "marc.dubois");
        var lucas = await ChildAsync(web, 5_000, "amelie.lefevre");
        var theirs = await OpenShopAsync(lucas.ClassName, "E-shop de la classe de Lucas");
        var mine = await OpenShopAsync(chloe.ClassName, "E-shop de la classe de Chloé");
        var marc = await ParentAsync(web, "marc.dubois", chloe.Id);

        // A form of another class is not Chloé's: not shown, not listed, not orderable.
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync(FormUrl(theirs))).StatusCode);
        Assert.DoesNotContain("E-shop de la classe de Lucas", await marc.GetStringAsync("/e/demo/commandes"));
        var shown = await ShowAsync(marc, mine);
        Assert.Equal(HttpStatusCode.NotFound, (await OrderAsync(marc, theirs, shown, lucas.Id, 800, ("q.GOURDE", "1"))).StatusCode);
        // Chloé's form posted for Lucas, whom Marc does not guard.
        Assert.Equal(HttpStatusCode.NotFound, (await OrderAsync(marc, mine, shown, lucas.Id, 800, ("q.GOURDE", "1"))).StatusCode);
        Assert.Equal(0, await OrdersOfAsync(web, lucas.Id));
        Assert.Equal(0, await OrdersOfAsync(web, chloe.Id));

        // Lucas's order, its summary, its cancellation and its confirmation are Amélie's, never Marc's.
        var amelie = await ParentAsync(web, "amelie.lefevre", lucas.Id);
        var order = await OrderGourdsAsync(amelie, theirs, lucas.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/commandes/{theirs}/{order}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/commandes/{theirs}/{order}/confirmation.pdf")).StatusCode);
        var cancel = await marc.PostAsync($"/e/demo/commandes/{theirs}/{order}/annuler",
            new FormUrlEncodedContent([new("__RequestVerificationToken", shown.Token)]));
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM orders WHERE id = @id AND status = 'placed'", ("id", order)));
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM order_reads WHERE order_id = @id", ("id", order)));
        Assert.Equal(5_000 - 1_600, await BalanceAsync(web, lucas.Id));
    }

    [Fact]
    public async Task A_forged_total_is_refused_the_page_shows_the_true_one_and_nothing_is_paid()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var form = await OpenShopAsync(child.ClassName, "E-shop du total");
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var page = await TextAsync(await OrderAsync(marc, form, await ShowAsync(marc, form), child.Id, 100, ("q.GOURDE", "2")));
        Assert.Contains("Les prix ont changé : vérifiez à nouveau le total", page);
        // The page shows the total of the quantities at the form's prices, and posts it next time.
        Assert.Contains("name=\"ExpectedTotalCents\" value=\"1600\"", page);
        Assert.Contains("name=\"q.GOURDE\" value=\"2\"", page);
        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
        Assert.Equal(5_000, await BalanceAsync(web, child.Id));

        // Without a total at all (a page without script) nothing is ordered either, and the page says to check it.
        page = await TextAsync(await OrderAsync(marc, form, await ShowAsync(marc, form), child.Id, null, ("q.GOURDE", "2")));
        Assert.Contains("Vérifiez le total ci-dessous", page);
        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
        // A quantity that is not a number is refused in words.
        page = await TextAsync(await OrderAsync(marc, form, await ShowAsync(marc, form), child.Id, 1600, ("q.GOURDE", "-2")));
        Assert.Contains("Une quantité doit être un nombre entier de 0 à 1000", page);
        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
    }

    [Fact]
    public async Task A_form_outside_its_dates_says_them_offers_no_button_and_takes_no_order()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var today = Today(web);
        var closed = await FormAsync(web, OrderKind.Form, "Retour des manuels de math", today.AddDays(-20), today.AddDays(-1), [child.ClassName],
            OrderPayment.Wallet, Gourd);
        var early = await FormAsync(web, OrderKind.Shop, "E-shop de printemps", today.AddDays(2), today.AddDays(9), [child.ClassName], OrderPayment.Wallet, Gourd);
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var shown = await ShowAsync(marc, closed);
        Assert.Contains($"Ce formulaire est accessible du {SchoolTime.Date(today.AddDays(-20))} au {SchoolTime.Date(today.AddDays(-1))}.", shown.Html);
        Assert.Contains("Il est fermé", shown.Html);
        Assert.DoesNotContain("class=\"primary\">Commander</button>", shown.Html);
        var page = await TextAsync(await OrderAsync(marc, closed, shown, child.Id, 800, ("q.GOURDE", "1")));
        Assert.Contains("il est fermé. Rien n'a été commandé", page);

        shown = await ShowAsync(marc, early);
        Assert.Contains($"Ce formulaire est accessible du {SchoolTime.Date(today.AddDays(2))} au {SchoolTime.Date(today.AddDays(9))}.", shown.Html);
        Assert.Contains("Il n'est pas encore ouvert", shown.Html);
        page = await TextAsync(await OrderAsync(marc, early, shown, child.Id, 800, ("q.GOURDE", "1")));
        Assert.Contains("il n'est pas encore ouvert. Rien n'a été commandé", page);

        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
        Assert.Equal(5_000, await BalanceAsync(web, child.Id));
        var list = await marc.GetStringAsync("/e/demo/commandes");
        Assert.DoesNotContain("Retour des manuels de math", list);
        Assert.DoesNotContain("E-shop de printemps", list);
    }

    [Fact]
    public async Task Beyond_the_stock_the_page_says_how_many_are_left_and_nothing_is_ordered()
    {
        var child = await ChildAsync(web, 10_000, "marc.dubois");
        var form = await OpenShopAsync(child.ClassName, "E-shop du stock");
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var shown = await ShowAsync(marc, form);
        Assert.Contains("M — plus que 2", shown.Html);
        Assert.Contains("class=\"primary\">Commander</button>", shown.Html);
        Assert.Contains("payé à la commande par le portefeuille « Portefeuille général », qui contient 100,00 €", WebUtility.HtmlDecode(shown.Html));
        var page = await TextAsync(await OrderAsync(marc, form, shown, child.Id, 3_600, ("q.TSHIRT", "3"), ("o.TSHIRT", "M")));
        Assert.Contains("Il ne reste que 2 « T-shirt (M) »", page);
        Assert.Equal(0, await OrdersOfAsync(web, child.Id));
        Assert.Equal(10_000, await BalanceAsync(web, child.Id));

        // The two left are sold; then the page says M is sold out and offers it no more.
        var placed = await OrderAsync(marc, form, await ShowAsync(marc, form), child.Id, 2_400, ("q.TSHIRT", "2"), ("o.TSHIRT", "M"));
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        shown = await ShowAsync(marc, form);
        Assert.Contains("<option value=\"M\" disabled>M — épuisé</option>", shown.Html);
        Assert.Contains("qui contient 76,00 €", WebUtility.HtmlDecode(shown.Html));
        Assert.Equal(10_000 - 2_400, await BalanceAsync(web, child.Id));
    }

    [Fact]
    public async Task A_double_post_with_the_same_key_orders_once()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var form = await OpenShopAsync(child.ClassName, "E-shop du double clic");
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var shown = await ShowAsync(marc, form);
        var first = OrderAsync(marc, form, shown, child.Id, 800, ("q.GOURDE", "1"));
        var second = OrderAsync(marc, form, shown, child.Id, 800, ("q.GOURDE", "1"));
        var answers = await Task.WhenAll(first, second);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Equal(answers[0].Headers.Location, answers[1].Headers.Location);
        Assert.Equal(1, await OrdersOfAsync(web, child.Id));
        Assert.Equal(5_000 - 800, await BalanceAsync(web, child.Id));
        // A new showing of the page is a new order.
        Assert.Equal(HttpStatusCode.Redirect, (await OrderAsync(marc, form, await ShowAsync(marc, form), child.Id, 800, ("q.GOURDE", "1"))).StatusCode);
        Assert.Equal(2, await OrdersOfAsync(web, child.Id));
    }

    [Fact]
    public async Task Cancelling_while_the_form_is_open_refunds_the_wallet_and_the_page_says_so()
    {
        var child = await ChildAsync(web, 5_000, "marc.dubois");
        var form = await OpenShopAsync(child.ClassName, "E-shop de l'annulation");
        var marc = await ParentAsync(web, "marc.dubois", child.Id);
        var order = await OrderGourdsAsync(marc, form, child.Id);

        var summary = WebUtility.HtmlDecode(await marc.GetStringAsync($"/e/demo/commandes/{form}/{order}?ok=placed"));
        Assert.Contains("Commande enregistrée.", summary);
        Assert.Contains("data-balance=\"3400\"", summary);
        Assert.Contains("Annuler la commande", summary);
        var dialog = WebUtility.HtmlDecode(await marc.GetStringAsync($"/e/demo/commandes/{form}/{order}/annuler"));
        Assert.Contains("Confirmer l'annulation", dialog);
        Assert.Contains("seront remboursés sur le portefeuille", dialog);

        var cancel = await marc.PostAsync($"/e/demo/commandes/{form}/{order}/annuler",
            new FormUrlEncodedContent([new("__RequestVerificationToken", Forms.AntiforgeryToken(dialog))]));
        Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        Assert.EndsWith($"/e/demo/commandes/{form}/{order}?ok=cancelled", cancel.Headers.Location!.ToString());
        summary = WebUtility.HtmlDecode(await marc.GetStringAsync(cancel.Headers.Location!.ToString()));
        Assert.Contains("remboursés sur le portefeuille", summary);
        Assert.DoesNotContain("Annuler la commande", summary);
        Assert.Equal(5_000, await BalanceAsync(web, child.Id));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM orders WHERE id = @id AND status = 'cancelled'", ("id", order)));
        // Cancelled, it is no longer cancellable.
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/commandes/{form}/{order}/annuler")).StatusCode);
        Assert.Contains("Annulée", WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/commandes")));
    }

    [Fact]
    public async Task The_confirmation_is_among_the_documents_in_bold_until_that_guardian_opens_it()
    {
        var child = await ChildAsync(web, 5_000, "amelie.lefevre", "pierre.lefevre");
        var form = await OpenShopAsync(child.ClassName, "E-shop des documents");
        var amelie = await ParentAsync(web, "amelie.lefevre", child.Id);
        var order = await OrderGourdsAsync(amelie, form, child.Id);
        const string title = "Gourde — Commande « E-shop des documents »";

        var documents = WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/documents"));
        Assert.Contains($"<strong class=\"document-title\">{title}</strong>", documents);
        Assert.Contains($"href=\"commandes/{form}/{order}/confirmation.pdf\"", documents);
        Assert.Contains(title, WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/tableau-de-bord")));

        var pdf = await amelie.GetAsync($"/e/demo/commandes/{form}/{order}/confirmation.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        await Screens.SaveFileAsync("order-confirmation.pdf", bytes);
        using (var read = PdfDocument.Open(bytes))
        {
            var text = string.Concat(read.GetPages().Select(p => p.Text));
            Assert.Contains("Confirmation de commande", text);
            Assert.Contains("E-shop des documents", text);
            Assert.Contains("Gourde", text);
        }

        documents = WebUtility.HtmlDecode(await amelie.GetStringAsync("/e/demo/documents"));
        Assert.Contains($"<span class=\"document-title\">{title}</span>", documents);
        // Read for Amélie only: Pierre has not opened it.
        var pierre = await ParentAsync(web, "pierre.lefevre", child.Id);
        Assert.Contains($"<strong class=\"document-title\">{title}</strong>", WebUtility.HtmlDecode(await pierre.GetStringAsync("/e/demo/documents")));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM order_reads WHERE order_id = @id", ("id", order)));
    }

    [Fact]
    public async Task The_proofs_are_shown_inline_to_the_childs_guardians_only_and_the_dashboard_names_the_open_form()
    {
        var child = await ChildAsync(web, 0, "marc.dubois");
        var other = await ChildAsync(web, 0, "amelie.lefevre");
        var today = Today(web);
        var form = await FormAsync(web, OrderKind.Photos, "Photos de classe", today, today.AddDays(14), [child.ClassName, other.ClassName], OrderPayment.Invoice,
            new Article("PACK", "Pack famille", 2500));
        var png = Png(200, 120, 90);
        var proof = await ProofAsync(web, form, child.Id, png);
        var otherProof = await ProofAsync(web, form, other.Id, Png(90, 120, 200));
        var marc = await ParentAsync(web, "marc.dubois", child.Id);

        var shown = await ShowAsync(marc, form);
        Assert.Contains($"src=\"commandes/{form}/epreuves/{proof}\"", shown.Html);
        Assert.DoesNotContain(otherProof.ToString(), shown.Html);
        var image = await marc.GetAsync($"/e/demo/commandes/{form}/epreuves/{proof}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.ToString());
        Assert.Equal("inline", image.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(png, await image.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync($"/e/demo/commandes/{form}/epreuves/{otherProof}")).StatusCode);

        var dashboard = WebUtility.HtmlDecode(await marc.GetStringAsync("/e/demo/tableau-de-bord"));
        Assert.Contains("Formulaire de commande", dashboard);
        Assert.Contains($"(accessible du {SchoolTime.Date(today)} au {SchoolTime.Date(today.AddDays(14))})", dashboard);
        Assert.Contains($"href=\"commandes/{form}\"", dashboard);
    }
}