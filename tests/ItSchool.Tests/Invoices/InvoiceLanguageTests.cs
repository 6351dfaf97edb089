using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Niet betaald, vervaldag verstreken", "Details bekijken", "\"Documentnummer\";\"Leerling\"")]
    [InlineData("en-BE", "Unpaid, past the due date", "View details", "\"Document number\";\"Pupil\"")]
    public async Task A_parent_and_a_manager_read_the_invoices_in_their_language(string culture, string legend, string details, string csvHeader)
    {
        using var parent = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Benoît", culture);
        var page = await parent.GetStringAsync("/e/demo/finances/factures");
        Assert.Contains(legend, page);
        Assert.Contains(details, page);
        Assert.DoesNotContain("Non payée, échéance dépassée", page);
        Assert.DoesNotContain("Voir détails", page);

        using var manager = await SignedIn.AsAsync(web, "claire.dupont", culture: culture);
        var csv = await manager.GetStringAsync("/e/demo/gestion/factures/export.csv");
        Assert.StartsWith(csvHeader, csv.TrimStart('\uFEFF'));
        Assert.DoesNotContain("Numéro du document", csv);
    }
}