using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Textbooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ItSchool.Tests.Textbooks.TextbookRig;

namespace ItSchool.Tests.Textbooks;

public sealed class TextbookBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    static int Year(DateOnly today) => today.Month >= 8 ? today.Year : today.Year - 1;

    [Fact]
    public async Task A_parent_chooses_the_6A_textbooks_confirms_once_and_finds_the_confirmation_in_the_documents()
    {
        var year = Year(Today(web));
        var title = $"Manuels scolaires 6A · {year}-{year + 1}";
        var parent = await chromium.SignInToDashboardAsync(web, "amelie.lefevre", "Benoît");
        await parent.Locator(".textbook-card").GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();

        ILocator Item(string name) => parent.Locator(".textbook-items > li").Filter(new() { HasText = name });
        // Compulsory items start on "Commander" and offer no "Pas nécessaire"; the optional ones wait for a choice.
        await Assertions.Expect(Item("Atlas De Boeck").GetByLabel("Commander")).ToBeCheckedAsync();
        await Assertions.Expect(Item("Atlas De Boeck").GetByLabel("Pas nécessaire")).ToHaveCountAsync(0);
        await Assertions.Expect(Item("Atlas De Boeck")).ToContainTextAsync("caution 20,00 €");
        await Item("Dictionnaire Le Robert Junior").GetByLabel("Pas nécessaire").CheckAsync();
        await Item("Calculatrice scientifique").GetByLabel("Commander").CheckAsync();
        await Item("Éveil 6e").GetByLabel("Nous l'avons déjà").CheckAsync();
        // 18,50 + 14,90 + 5,00 + 20,00 (deposit) + 19,95.
        await Assertions.Expect(parent.Locator("[data-total]")).ToHaveTextAsync("78,35\u00a0€");
        await Screens.SaveAsync(parent, "textbooks-parent-choose");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Confirmer mes choix" }).ClickAsync();

        await Assertions.Expect(parent.GetByRole(AriaRole.Status)).ToContainTextAsync("Vos choix sont confirmés");
        await Assertions.Expect(parent.Locator(".textbook-confirmation")).ToContainTextAsync("78,35 €");
        await Assertions.Expect(parent.Locator(".textbook-payment")).ToContainTextAsync("Communication structurée");
        await Assertions.Expect(parent.GetByRole(AriaRole.Button, new() { Name = "Confirmer mes choix" })).ToHaveCountAsync(0);
        await Screens.SaveAsync(parent, "textbooks-parent-confirmed");
        await parent.GetByRole(AriaRole.Link, new() { Name = "Manuels scolaires", Exact = true }).First.ClickAsync();
        await Assertions.Expect(parent.Locator(".textbook-lists li").Filter(new() { HasText = title })).ToContainTextAsync("Répondu");
        await Screens.SaveAsync(parent, "textbooks-parent-lists");

        await parent.GetByRole(AriaRole.Link, new() { Name = "Documents", Exact = true }).First.ClickAsync();
        var document = parent.GetByRole(AriaRole.Link, new() { Name = $"Confirmation des manuels scolaires 6A {year}-{year + 1}" });
        await Assertions.Expect(document).ToBeVisibleAsync();
        var pdf = await parent.Context.APIRequest.GetAsync(new Uri(web.DemoSchool, await document.GetAttributeAsync("href")).ToString());
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        await Screens.SaveFileAsync("textbooks-confirmation.pdf", await pdf.BodyAsync());
        // One answer, one invoice.
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        Assert.Equal(1, await ConfirmationsOfAsync(web, benoit));
    }

    [Fact]
    public async Task The_school_creates_a_list_sees_who_has_not_answered_and_marks_a_rental_handed_out_and_returned()
    {
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Manuels scolaires", Exact = true }).ClickAsync();
        await Assertions.Expect(manager.Locator(".textbook-lists-table")).ToContainTextAsync("Manuels scolaires 6A");
        await Screens.SaveAsync(manager, "textbooks-school-lists");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Nouvelle liste" }).ClickAsync();
        await manager.GetByLabel("Classe").SelectOptionAsync("1C");
        var rows = manager.Locator(".textbook-row");
        await rows.Nth(0).GetByLabel("Titre").FillAsync("Lecture 1re – Ratus");
        await rows.Nth(0).GetByLabel("ISBN").FillAsync("978-2-8041-7261-8");
        await rows.Nth(0).GetByLabel("Prix (€)").FillAsync("12,50");
        await rows.Nth(0).GetByLabel("Obligatoire").CheckAsync();
        await rows.Nth(1).GetByLabel("Titre").FillAsync("Atlas junior");
        await rows.Nth(1).GetByLabel("Achat ou location").SelectOptionAsync("rent");
        await rows.Nth(1).GetByLabel("Prix (€)").FillAsync("3");
        await rows.Nth(1).GetByLabel("Caution (€)").FillAsync("15");
        await rows.Nth(1).GetByLabel("À rendre le").FillAsync($"{Today(web).AddDays(180):yyyy-MM-dd}");
        await Screens.SaveAsync(manager, "textbooks-school-edit");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Créer la liste" }).ClickAsync();
        // A typo in the ISBN's check digit: said, and the list comes back as typed.
        await Assertions.Expect(manager.GetByRole(AriaRole.Alert)).ToContainTextAsync("« Lecture 1re – Ratus » : l'ISBN n'est pas valable");
        await rows.Nth(0).GetByLabel("ISBN").FillAsync("978-2-8041-7261-9");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Créer la liste" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("La liste est créée.");
        await Assertions.Expect(manager.Locator(".missing-pupils")).ToContainTextAsync("Lefèvre Geneviève");
        await Screens.SaveAsync(manager, "textbooks-school-list");

        // Geneviève's family answers (over HTTP: the parent's browser flow is the other test).
        var genevieve = await DemoPupils.IdAsync(web, "Geneviève");
        var list = (await web.Services.GetRequiredService<TextbookStore>().ForPupilAsync(DemoSchool.Id, genevieve)).Single(l => l.Items.Any(i => i.Title == "Atlas junior"));
        var amelie = await ParentAsync(web, "amelie.lefevre", genevieve);
        await ConfirmAsync(amelie, list.Id, genevieve, (list.Items[0].Id, "owned"), (list.Items[1].Id, "order"));

        await manager.ReloadAsync();
        await Assertions.Expect(manager.Locator(".card").Filter(new() { HasText = "Sans réponse" })).ToContainTextAsync("Toutes les familles ont répondu.");
        var atlas = manager.Locator(".answer-items li").Filter(new() { HasText = "Atlas junior" });
        await atlas.GetByRole(AriaRole.Button, new() { Name = "Marquer remis" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Article marqué remis.");
        await atlas.GetByRole(AriaRole.Button, new() { Name = "Marquer rendu (rembourse 15,00 €)" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("sa caution est remboursée");
        await Assertions.Expect(atlas).ToContainTextAsync($"Rendu le {SchoolTime.Date(Today(web))}");
        await Screens.SaveAsync(manager, "textbooks-school-marked");
        Assert.Equal(1_500, await CountAsync(web, "SELECT sum(received_cents) FROM invoice_movements WHERE invoice_id = @i AND kind = 'credit_note'",
            ("i", await ConfirmationIdAsync(web, genevieve))));
    }
}