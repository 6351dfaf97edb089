using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Languages;

/// <summary>
/// Every menu line of every feature, for each role of the demo school, read in Dutch and in English (chosen with
/// the sign-in page's chooser cookie), plus the sign-in page: no French may be left in what a person reads. French
/// pages are not checked. Reports every page and every French word found, not only the first.
/// </summary>
public sealed partial class EveryPageInEveryLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    /// <summary>Words and phrases of the French interface that no Dutch or English text contains.</summary>
    static readonly string[] FrenchMarkers =
    [
        "Réserver", "Réservé", "Solde", "Facture", "Se connecter", "Connexion", "Mon accès", "Déconnexion", "Enregistrer", " à ",
        "élève", "Rechercher", "Tableau de bord", "Portefeuille", "Recharger", "Mot de passe", "Annuler", "Supprimer", "Modifier",
        "Ajouter", "Bienvenue", "Repas", "Réunion", "Rendez-vous", "Paiement", "Montant", "Aucun", "Aucune", "Enfant", "Gestion",
        "Courriel", "Caisse", "Semaine", "Enseignant", "Cantine", "Envoyer", "Télécharger", "Imprimer", "Fermer", "Valider",
        "Confirmer", "Aujourd'hui", "Nouveau", "Nouvelle", "Paramètres", "Rappel", "Échéance", "Payer", "Remboursement", "Oublié",
    ];

    static readonly (string UserName, string? Child)[] Roles =
    [
        ("marc.dubois", "Chloé"),      // parent
        ("sophie.martin", null),       // teacher
        ("karim.benali", null),        // canteen
        ("claire.dupont", null),       // manager
    ];

    static readonly string[] Readings = ["nl-BE", "en-BE"];

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Code();

    [GeneratedRegex(@"\b(?:placeholder|title|aria-label|alt)=""([^""]*)""")]
    private static partial Regex ReadAttributes();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [Fact]
    public async Task No_French_is_left_on_any_page_in_Dutch_or_English()
    {
        var typed = await TypedBySchoolAsync();
        var found = new List<string>();
        foreach (var language in Readings)
        {
            using (var signedOut = ClientIn(language))
            {
                found.AddRange(await FrenchOnAsync(signedOut, language, "(signed out)", "connexion", typed));
            }
            foreach (var (userName, child) in Roles)
            {
                using var client = await SignInAsync(userName, child, language);
                // The user menu's pages besides the left menu's.
                foreach (var href in (await MenuAsync(userName)).Append("notifications"))
                {
                    found.AddRange(await FrenchOnAsync(client, language, userName, href, typed));
                }
            }
        }
        Assert.True(found.Count == 0, $"French left in {found.Count} places:\n{string.Join("\n", found)}");
    }

    [Fact]
    public async Task The_chosen_language_reaches_every_page_read()
    {
        using var client = await SignInAsync("claire.dupont", null, "en-BE");
        foreach (var href in await MenuAsync("claire.dupont"))
        {
            Assert.Contains("<html lang=\"en-BE\">", await client.GetStringAsync($"/e/demo/{href}"));
        }
    }

    /// <summary>The French words of a page's visible text (text between tags, and the attributes people read).</summary>
    static async Task<IEnumerable<string>> FrenchOnAsync(HttpClient client, string language, string who, string href, IReadOnlyList<string> typed)
    {
        var response = await client.GetAsync($"/e/demo/{href}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [$"{language} {who} /{href}: answered {(int)response.StatusCode}"];
        }
        var html = Code().Replace(await response.Content.ReadAsStringAsync(), " ");
        var attributes = ReadAttributes().Matches(html).Select(match => match.Groups[1].Value);
        var text = WebUtility.HtmlDecode(string.Join(" | ", attributes.Prepend(Tags().Replace(html, " | "))));
        text = Regex.Replace(text, @"\s+", " ");
        foreach (var name in typed)
        {
            text = text.Replace(name, " | ", StringComparison.Ordinal);
        }
        return FrenchMarkers.Where(marker => Contains(text, marker)).Select(marker => $"{language} {who} /{href}: \"{marker.Trim()}\" in …{Around(text, marker)}…");
    }

    static string Around(string text, string marker)
    {
        var at = text.IndexOf(marker.Trim(), StringComparison.OrdinalIgnoreCase);
        var from = Math.Max(0, at - 40);
        return text[from..Math.Min(text.Length, at + marker.Length + 40)];
    }

    static bool Contains(string text, string marker) =>
        marker.StartsWith(' ')
            ? text.Contains(marker, StringComparison.Ordinal)
            : Regex.IsMatch(text, $@"(?<!\w){Regex.Escape(marker)}(?!\w)", RegexOptions.IgnoreCase);

    /// <summary>
    /// What the demo school typed itself — its compartments, evenings, tills, articles, dishes and their codes, invoices,
    /// events and addresses, as a French-speaking
    /// school would — is its own data, not the interface's: left out of the check, longest first.
    /// </summary>
    async Task<IReadOnlyList<string>> TypedBySchoolAsync()
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("""
            SELECT DISTINCT n FROM (
                SELECT name AS n FROM wallet_compartments UNION ALL SELECT name FROM meeting_evenings
                UNION ALL SELECT name FROM pos_terminals UNION ALL SELECT label FROM pos_articles UNION ALL SELECT label FROM meal_articles
                UNION ALL SELECT label FROM invoices UNION ALL SELECT label FROM invoice_lines
                UNION ALL SELECT code FROM meal_articles UNION ALL SELECT email FROM users
                UNION ALL SELECT title FROM school_events UNION ALL SELECT body FROM school_events) AS names
            WHERE length(n) > 2
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return [.. names.OrderByDescending(n => n.Length)];
    }

    HttpClient ClientIn(string language)
    {
        var cookies = new CookieContainer();
        cookies.Add(web.BaseAddress, new Cookie(ItSchool.Web.Shell.Languages.ChoiceCookie, $"c={language}|uic={language}", "/"));
        return web.CreateClient(cookies);
    }

    async Task<HttpClient> SignInAsync(string userName, string? child, string language)
    {
        var cookies = new CookieContainer();
        cookies.Add(web.BaseAddress, new Cookie(ItSchool.Web.Shell.Languages.ChoiceCookie, $"c={language}|uic={language}", "/"));
        var client = web.CreateClient(cookies);
        var response = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", userName), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        if (child is not null && (await client.GetAsync("/e/demo/tableau-de-bord")).StatusCode != HttpStatusCode.OK)
        {
            var switched = await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, child)}");
            Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        }
        return client;
    }

    /// <summary>The menu's lines for this person's role where the demo school has the module on, dashboard first.</summary>
    async Task<IReadOnlyList<string>> MenuAsync(string userName)
    {
        var role = DemoSchool.Accounts.Single(account => account.UserName == userName).Role;
        var enabled = await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id).GetEnabledModulesAsync();
        return [.. web.Services.GetRequiredService<Features>().OnIn(enabled).SelectMany(feature => feature.Menu).Prepend(MenuEntry.Dashboard)
            .Where(entry => entry.Roles.Contains(role)).OrderBy(entry => entry.Position).Select(entry => entry.Href)];
    }
}