using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.PointOfSale;

public sealed class PosLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Artikelen importeren (CSV", "Onbekende of gedeactiveerde kaart.")]
    [InlineData("en-BE", "Import items (CSV", "Unknown or disabled card.")]
    public async Task The_articles_page_and_the_terminal_api_answer_in_the_readers_language(string culture, string importHelp, string unknownCard)
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont", culture: culture);
        var page = await manager.GetStringAsync("/e/demo/gestion/caisses");
        Assert.Contains(importHelp, page);
        Assert.DoesNotContain("Importer des articles", page);

        var created = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/terminaux",
            ("Name", $"Kassa {culture}"), ("Kind", "Canteen"), ("Compartment", "1"))).Content.ReadAsStringAsync();
        var key = Regex.Match(created, "<code class=\"new-key\">(itsk_[^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(key);
        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        terminal.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture);
        var unknown = await terminal.GetAsync("/api/pos/v1/cards/FFFFFFFF");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var problem = await unknown.Content.ReadAsStringAsync();
        Assert.Contains(unknownCard, problem);
        Assert.DoesNotContain("Carte inconnue", problem);
    }
}