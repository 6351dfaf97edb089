using ItSchool.Tests.Rig;

namespace ItSchool.Tests.BankStatements;

public sealed class BankLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Geschiedenis van de imports", "Uittreksels (een of meer bestanden)")]
    [InlineData("en-BE", "Import history", "Statement files (one or more)")]
    public async Task A_manager_reads_the_bank_statements_page_in_their_language(string culture, string history, string files)
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont", culture: culture);
        var page = await manager.GetStringAsync("/e/demo/gestion/releves");
        Assert.Contains(history, page);
        Assert.Contains(files, page);
        Assert.DoesNotContain("Historique des imports", page);
        Assert.DoesNotContain("Fichiers de relevés", page);
    }
}