using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Documents;

public sealed class DocumentBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_document_sent_to_a_class_is_bold_on_the_parents_dashboard_until_opened_and_the_school_sees_the_opening()
    {
        const string title = "Classe verte de 4B";
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GotoAsync(new Uri(web.DemoSchool, "gestion/documents").ToString());
        await Screens.SaveAsync(manager, "documents-school");
        await manager.GetByLabel("Titre").FillAsync(title);
        await manager.GetByLabel("Une classe").CheckAsync();
        await manager.GetByLabel("Classe", new() { Exact = true }).SelectOptionAsync("4B");
        await manager.GetByLabel(new Regex("^Fichier")).SetInputFilesAsync(new FilePayload
        {
            Name = "classe-verte.pdf",
            MimeType = "application/pdf",
            Buffer = DocumentRig.Pdf(title),
        });
        await manager.GetByRole(AriaRole.Button, new() { Name = "Envoyer le document" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Document envoyé (2 élève(s)).");
        var sent = manager.Locator("table.sent-documents tr").Filter(new() { HasText = title });
        await Assertions.Expect(sent).ToContainTextAsync("Classe 4B (2 élève(s))");
        await Assertions.Expect(sent).ToContainTextAsync("0 parent(s) sur 3");

        var parent = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        var card = parent.Locator("section.document-card");
        await Assertions.Expect(card.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Derniers documents non lus");
        var unread = card.Locator("strong").Filter(new() { HasText = title });
        await Assertions.Expect(unread).ToHaveCountAsync(1);
        await Screens.SaveAsync(parent, "documents-dashboard");

        var download = await parent.RunAndWaitForDownloadAsync(() => unread.GetByRole(AriaRole.Link).ClickAsync());
        Assert.Equal("classe-verte.pdf", download.SuggestedFilename);
        // Read at once, without a reload: the download left the dashboard where it was.
        await Assertions.Expect(card.Locator("li").Filter(new() { HasText = title })).ToHaveClassAsync("read");
        await Assertions.Expect(card.Locator("strong").Filter(new() { HasText = title })).ToHaveCountAsync(0);

        await card.GetByRole(AriaRole.Link, new() { Name = "Voir plus" }).ClickAsync();
        await parent.WaitForAsync("**/documents");
        var line = parent.Locator(".document-list li").Filter(new() { HasText = title });
        await Assertions.Expect(line).ToHaveClassAsync("read");
        await Assertions.Expect(line.Locator("strong")).ToHaveCountAsync(0);
        await Assertions.Expect(line).ToContainTextAsync("ouvert le");
        await Assertions.Expect(parent.Locator(".document-list li.unread").First.Locator("strong")).ToHaveCountAsync(1);
        var letter = parent.Locator(".document-list li").Filter(new() { HasText = "Lettre aux parents de 4B" });
        await Assertions.Expect(letter).ToHaveClassAsync("unread");
        await parent.RunAndWaitForDownloadAsync(() => letter.GetByRole(AriaRole.Link).ClickAsync());
        await Assertions.Expect(letter).ToHaveClassAsync("read");
        await Assertions.Expect(letter.Locator("strong")).ToHaveCountAsync(0);
        await Assertions.Expect(letter).ToContainTextAsync("ouvert à l'instant");
        await Screens.SaveAsync(parent, "documents-parent");

        await manager.ReloadAsync();
        await manager.Locator("table.sent-documents tr").Filter(new() { HasText = title }).GetByRole(AriaRole.Link, new() { Name = "Accusés de lecture" }).ClickAsync();
        await manager.WaitForAsync("**/gestion/documents/*");
        var marc = manager.Locator("table.receipts tr").Filter(new() { HasText = "Marc Dubois" });
        await Assertions.Expect(marc.Locator(".badge.good")).ToHaveTextAsync(new Regex(@"^\d\d/\d\d/\d{4} \d\d:\d\d$"));
        var lucasParents = manager.Locator("table.receipts tr").Filter(new() { HasText = "Lucas Lefèvre" });
        await Assertions.Expect(lucasParents.Locator(".badge.warn")).ToHaveCountAsync(2);
        await Assertions.Expect(manager.Locator("p.summary")).ToContainTextAsync("1 parent(s) sur 3 l'ont ouvert");
        await Screens.SaveAsync(manager, "documents-receipts");
    }
}