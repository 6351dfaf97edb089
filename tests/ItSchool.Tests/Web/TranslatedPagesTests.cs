using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Web;

/// <summary>
/// A reader whose browser asks for Dutch or English gets the shell's, the wallets', the management's, the
/// platform's and the online payment's pages in that language, with none of the French left in them.
/// </summary>
public sealed class TranslatedPagesTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Wachtwoord vergeten?", "Aangemeld blijven")]
    [InlineData("en-BE", "Forgotten your password?", "Remember me")]
    public async Task The_sign_in_page_speaks_the_readers_language(string culture, string forgotten, string remember)
    {
        using var client = web.CreateClient();
        var page = await ReadAsync(client, "/e/demo/connexion", culture);
        Assert.Contains(forgotten, page);
        Assert.Contains(remember, page);
        Assert.Contains($"<html lang=\"{culture}\">", page);
        Assert.DoesNotContain("Mot de passe oublié", page);
        Assert.DoesNotContain("Se souvenir de moi", page);
    }

    [Theory]
    [InlineData("nl-BE", "Welkom, Marc (Chloé)", "Financiële verrichtingen")]
    [InlineData("en-BE", "Welcome, Marc (Chloé)", "Transactions")]
    public async Task A_parents_dashboard_and_menu_speak_the_readers_language(string culture, string welcome, string operations)
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var page = await ReadAsync(marc, "/e/demo/tableau-de-bord", culture);
        Assert.Contains(welcome, page);
        Assert.Contains(operations, page);
        Assert.DoesNotContain("Bienvenue", page);
        Assert.DoesNotContain("Opérations financières", page);
    }

    [Theory]
    [InlineData("nl-BE", "Gestructureerde mededeling", "Begunstigde")]
    [InlineData("en-BE", "Structured communication", "Beneficiary")]
    public async Task The_bank_transfer_dialog_speaks_the_readers_language(string culture, string communication, string beneficiary)
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var dialog = await ReadAsync(marc, "/e/demo/portefeuille/1/virement", culture);
        Assert.Contains(communication, dialog);
        Assert.Contains(beneficiary, dialog);
        Assert.DoesNotContain("Communication structurée", dialog);
        Assert.DoesNotContain("Bénéficiaire", dialog);
    }

    [Theory]
    [InlineData("nl-BE", "Online betalen", "Bedrag (€)")]
    [InlineData("en-BE", "Pay online", "Amount (€)")]
    public async Task The_online_top_up_dialog_speaks_the_readers_language(string culture, string submit, string amount)
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var dialog = await ReadAsync(marc, "/e/demo/portefeuille/1/paiement-en-ligne", culture);
        Assert.Contains(submit, dialog);
        Assert.Contains(amount, dialog);
        Assert.DoesNotContain("Payer en ligne", dialog);
        Assert.DoesNotContain("Montant (€)", dialog);
    }

    [Theory]
    [InlineData("nl-BE", "Leerling toevoegen", "Alle klassen")]
    [InlineData("en-BE", "Add a pupil", "All classes")]
    public async Task The_pupil_list_speaks_the_managers_language(string culture, string add, string allClasses)
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var page = await ReadAsync(claire, "/e/demo/gestion/eleves", culture);
        Assert.Contains(add, page);
        Assert.Contains(allClasses, page);
        Assert.DoesNotContain("Ajouter un élève", page);
        Assert.DoesNotContain("Toutes les classes", page);
    }

    [Theory]
    [InlineData("nl-BE", "Aanmelden op het platform")]
    [InlineData("en-BE", "Sign in to the platform")]
    public async Task The_operators_sign_in_page_speaks_the_readers_language(string culture, string title)
    {
        using var client = web.CreateClient();
        var page = await ReadAsync(client, "/plateforme/connexion", culture);
        Assert.Contains(title, page);
        Assert.Contains($"<html lang=\"{culture}\">", page);
        Assert.DoesNotContain("Connexion à la plateforme", page);
    }

    [Theory]
    [InlineData("nl-BE", "Pagina niet gevonden", "Terug naar de startpagina")]
    [InlineData("en-BE", "Page not found", "Back to the home page")]
    public async Task A_missing_page_says_so_in_the_readers_language(string culture, string title, string home)
    {
        using var client = web.CreateClient();
        var page = await ReadAsync(client, "/nulle-part", culture);
        Assert.Contains(title, page);
        Assert.Contains(home, page);
        Assert.Contains($"<html lang=\"{culture}\">", page);
        Assert.DoesNotContain("Page introuvable", page);
    }

    [Theory]
    [InlineData("nl-BE", "School niet gevonden")]
    [InlineData("en-BE", "School not found")]
    [InlineData(null, "École introuvable")]
    public async Task An_unknown_school_says_so_in_the_readers_language(string? culture, string title)
    {
        // No school, so no language of its own: the browser's.
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/e/nulle-ecole/connexion");
        if (culture is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(culture);
        }
        using var response = await client.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(title, page);
        Assert.Contains($"<html lang=\"{culture ?? "fr-BE"}\">", page);
    }

    [Fact]
    public async Task A_missing_page_stays_french_for_a_reader_who_asks_for_no_language()
    {
        using var client = web.CreateClient();
        var page = await ReadAsync(client, "/nulle-part", null);
        Assert.Contains("Page introuvable", page);
        Assert.Contains("<html lang=\"fr-BE\">", page);
    }

    /// <summary>What a browser set to <paramref name="culture"/> (none: no Accept-Language) reads at <paramref name="path"/>, whatever the status.</summary>
    static async Task<string> ReadAsync(HttpClient client, string path, string? culture)
    {
        // A school's page follows its own language before the browser's: there, the reader chooses (as with the sign-in page's chooser).
        var schoolPage = path.StartsWith("/e/", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, culture is not null && schoolPage ? $"{path}?culture={culture}" : path);
        if (culture is not null && !schoolPage)
        {
            request.Headers.AcceptLanguage.ParseAdd(culture);
        }
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}