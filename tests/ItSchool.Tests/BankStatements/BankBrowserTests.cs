using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.BankStatements;

public sealed class BankBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_statement_uploaded_by_the_manager_shows_on_the_parents_open_dashboard_without_reloading()
    {
        var parent = await chromium.SignInAsync(web, "marc.dubois");
        await parent.WaitForDashboardAsync();
        await Assertions.Expect(parent.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        var balance = parent.Locator(".compartment[data-compartment='1'] .balance");
        var before = long.Parse((await balance.GetAttributeAsync("data-cents"))!);

        var statements = new Statements();
        var chloe = await Statements.CommunicationAsync(web, "Chloé");
        var file = Path.Combine(Path.GetTempPath(), $"releve-{statements.Account}.cod");
        await File.WriteAllBytesAsync(file, statements.Coda([("W1", 3_750, chloe.ToString()), ("W2", 990, "don pour la fancy-fair")]));
        try
        {
            var manager = await chromium.SignInAsync(web, "claire.dupont");
            await manager.WaitForDashboardAsync();
            await manager.GetByRole(AriaRole.Link, new() { Name = "Relevés bancaires" }).ClickAsync();
            await manager.GetByLabel("Fichiers de relevés (un ou plusieurs)").SetInputFilesAsync(file);
            await manager.GetByRole(AriaRole.Button, new() { Name = "Voir l'aperçu" }).ClickAsync();
            await Assertions.Expect(manager.Locator(".preview-summary")).ToContainTextAsync("1 pour des portefeuilles (37,50 €)");
            await Assertions.Expect(manager.Locator("tr[data-match='ToResolve']")).ToContainTextAsync("don pour la fancy-fair");
            await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", before.ToString());

            await manager.GetByRole(AriaRole.Button, new() { Name = "Appliquer l'import" }).ClickAsync();
            await Assertions.Expect(manager.Locator(".report [data-figure='credited']")).ToHaveTextAsync("1");
            await Assertions.Expect(manager.Locator(".report [data-figure='unmatched']")).ToHaveTextAsync("1");

            await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", (before + 3_750).ToString());
            await Assertions.Expect(parent.Locator(".ledger tbody tr").First).ToContainTextAsync("37,50 €");
            await Assertions.Expect(parent.Locator(".ledger tbody tr").First).ToContainTextAsync("Rechargement par virement");
        }
        finally
        {
            File.Delete(file);
        }
    }
}