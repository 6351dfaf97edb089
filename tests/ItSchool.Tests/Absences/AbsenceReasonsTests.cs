using System.Net;
using ItSchool.Absences;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>The school's reasons and absence settings over HTTP on the demo school (MALADIE, FAMILLE, AUTRE to start with).</summary>
public sealed class AbsenceReasonsTests(WebNode web) : IClassFixture<WebNode>
{
    const string Reasons = "/e/demo/gestion/absences/motifs";

    async Task<List<(string Code, string Label, bool Justifying)>> ListAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("SELECT code, label, justifying FROM absence_reasons WHERE school_id = @school ORDER BY position, code");
        query.Parameters.AddWithValue("school", DemoSchool.Id);
        await using var reader = await query.ExecuteReaderAsync();
        var reasons = new List<(string, string, bool)>();
        while (await reader.ReadAsync())
        {
            reasons.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }
        return reasons;
    }

    async Task<AbsenceSettings> SettingsAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        return await AbsenceSettings.ReadAsync(db, DemoSchool.Id);
    }

    static async Task<string> PostAsync(HttpClient manager, string action, params (string, string)[] fields)
    {
        var response = await Forms.PostAsync(manager, Reasons, action, fields);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            return WebUtility.HtmlDecode(await manager.GetStringAsync(response.Headers.Location));
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_reason_is_added_at_the_end_renamed_made_justifying_or_not_and_moved()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Contains("Motif ajouté.", await PostAsync(manager, Reasons, ("Code", "rdv_medical"), ("Label", " Rendez-vous médical "), ("Justifying", "true")));
        Assert.Equal(("RDV_MEDICAL", "Rendez-vous médical", true), (await ListAsync())[^1]);

        Assert.Contains("Motif enregistré.", await PostAsync(manager, $"{Reasons}/RDV_MEDICAL", ("Label", "Médecin")));
        Assert.Equal(("RDV_MEDICAL", "Médecin", false), (await ListAsync())[^1]);

        var before = (await ListAsync()).Select(r => r.Code).ToList();
        Assert.Contains("Ordre des motifs enregistré.", await PostAsync(manager, $"{Reasons}/RDV_MEDICAL/monter"));
        var moved = (await ListAsync()).Select(r => r.Code).ToList();
        Assert.Equal([.. before[..^2], before[^1], before[^2]], moved);
        // At the top, going up moves nothing.
        await PostAsync(manager, $"{Reasons}/{moved[0]}/monter");
        Assert.Equal(moved, (await ListAsync()).Select(r => r.Code));
        await PostAsync(manager, $"{Reasons}/{moved[0]}/descendre");
        Assert.Equal([moved[1], moved[0], .. moved[2..]], (await ListAsync()).Select(r => r.Code));
    }

    [Theory]
    [InlineData("MAL ADIE", "Maladie", "Le code doit compter de 1 à 20 caractères")]
    [InlineData("CODE_BEAUCOUP_TROP_LONG", "Long", "Le code doit compter de 1 à 20 caractères")]
    [InlineData("ÉCOLE", "École", "Le code doit compter de 1 à 20 caractères")]
    [InlineData("", "Vide", "Le code doit compter de 1 à 20 caractères")]
    [InlineData("SANS_LIBELLE", "   ", "Le libellé ne peut pas être vide.")]
    [InlineData("MALADIE", "Encore malade", "L'école a déjà un motif avec ce code.")]
    public async Task A_bad_new_reason_is_refused_with_its_message_and_nothing_changes(string code, string label, string message)
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await ListAsync();
        var page = await PostAsync(manager, Reasons, ("Code", code), ("Label", label), ("Justifying", "true"));
        Assert.Contains(message, page);
        Assert.Contains($"value=\"{code}\"", page);
        Assert.Equal(before, await ListAsync());
    }

    [Fact]
    public async Task A_label_too_long_or_empty_is_refused_when_renaming_and_an_unknown_code_is_not_found()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await ListAsync();
        Assert.Contains("Le libellé dépasse 80 caractères.", await PostAsync(manager, $"{Reasons}/AUTRE", ("Label", new string('x', 81))));
        Assert.Contains("Le libellé ne peut pas être vide.", await PostAsync(manager, $"{Reasons}/AUTRE", ("Label", "")));
        Assert.Equal(before, await ListAsync());
        foreach (var action in new[] { "INCONNU", "INCONNU/monter", "INCONNU/suppression", "pas un code" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, Reasons, $"{Reasons}/{action}", ("Label", "X"))).StatusCode);
        }
        Assert.Equal(before, await ListAsync());
    }

    [Fact]
    public async Task A_reason_in_use_cannot_be_deleted_and_an_unused_one_can()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        // The demo's day off sick uses MALADIE.
        var page = await PostAsync(manager, $"{Reasons}/MALADIE/suppression");
        Assert.Contains("Ce motif est utilisé par des absences ou des justificatifs : il ne peut pas être supprimé.", page);
        Assert.Contains(await ListAsync(), r => r.Code == "MALADIE");
        Assert.Matches("data-reason=\"MALADIE\"(.|\\n)*?utilisé [0-9]+ fois", page);

        await PostAsync(manager, Reasons, ("Code", "A_JETER"), ("Label", "À jeter"));
        Assert.Contains("Motif supprimé.", await PostAsync(manager, $"{Reasons}/A_JETER/suppression"));
        Assert.DoesNotContain(await ListAsync(), r => r.Code == "A_JETER");
    }

    [Fact]
    public async Task The_settings_are_saved_and_bad_days_are_refused_with_a_message()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        // The demo school's own settings.
        Assert.Equal(new AbsenceSettings(3, true, true), await SettingsAsync());
        Assert.Contains("Réglages enregistrés.", await PostAsync(manager, $"{Reasons}/reglages", ("JustifyWithinDays", "10"), ("PartialCountsAsHalfDay", "true")));
        Assert.Equal(new AbsenceSettings(10, false, true), await SettingsAsync());
        foreach (var days in new[] { "61", "-1", "abc", "", "2.5" })
        {
            var page = await PostAsync(manager, $"{Reasons}/reglages", ("JustifyWithinDays", days), ("ReleaseAfterCutOff", "true"));
            Assert.Contains("Le nombre de jours pour justifier doit être un nombre entier de 0 à 60.", page);
            Assert.Equal(new AbsenceSettings(10, false, true), await SettingsAsync());
        }
        Assert.Contains("Réglages enregistrés.", await PostAsync(manager, $"{Reasons}/reglages", ("JustifyWithinDays", "0"), ("ReleaseAfterCutOff", "true")));
        Assert.Equal(new AbsenceSettings(0, true, false), await SettingsAsync());
    }

    [Fact]
    public async Task A_parent_or_a_teacher_cannot_reach_the_reasons()
    {
        foreach (var who in new[] { "marc.dubois", "sophie.martin" })
        {
            var client = await SignedIn.AsAsync(web, who);
            Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(Reasons)).StatusCode);
        }
    }

    [Theory]
    [InlineData("nl-BE", "Afwezigheden — redenen en instellingen", "Afwezigheden — importeren", "Ongewettigde afwezigheden")]
    [InlineData("en-BE", "Absences — reasons and settings", "Absences — import", "Unjustified absences")]
    public async Task The_school_pages_speak_dutch_and_english(string culture, string reasons, string import, string unjustified)
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont", culture: culture);
        foreach (var (url, title) in new[] { (Reasons, reasons), ("/e/demo/gestion/absences/import", import), ("/e/demo/gestion/absences/non-justifiees", unjustified) })
        {
            var page = WebUtility.HtmlDecode(await manager.GetStringAsync(url));
            Assert.Contains($"<h1>{title}", page);
            Assert.DoesNotContain("Motifs et réglages", page);
            Assert.DoesNotContain("Enregistrer", page);
        }
    }
}