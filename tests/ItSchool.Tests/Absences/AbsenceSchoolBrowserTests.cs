using System.Text;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>The manager's absence pages in Chromium: a reason added, a file imported, the unjustified list, a pupil's history.</summary>
public sealed class AbsenceSchoolBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_manager_adds_a_reason_imports_the_softwares_file_and_follows_a_pupils_unjustified_half_days_to_the_history()
    {
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var update = db.CreateCommand("""
            UPDATE pupils SET reference = 'M-LUCAS' WHERE first_name = 'Lucas';
            UPDATE pupils SET reference = 'M-CHLOE' WHERE first_name = 'Chloé';
            """))
        {
            await update.ExecuteNonQueryAsync();
        }
        var (monday, tuesday) = (SchoolDaysAgo.Of(web, 12), SchoolDaysAgo.Of(web, 11));
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Absences", Exact = true }).ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Motifs et réglages" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Absences — motifs et réglages", Level = 1 })).ToBeVisibleAsync();
        var add = manager.Locator("form.reason-new");
        await add.GetByLabel("Code").FillAsync("RDV");
        await add.GetByLabel("Libellé").FillAsync("Rendez-vous médical");
        await add.GetByRole(AriaRole.Button, new() { Name = "Ajouter le motif" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToHaveTextAsync("Motif ajouté.");
        await Assertions.Expect(manager.Locator("li[data-reason=RDV] input[name=Label]")).ToHaveValueAsync("Rendez-vous médical");
        await Assertions.Expect(manager.Locator("li[data-reason=MALADIE]")).ToContainTextAsync("non supprimable");
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-reasons");

        await manager.GetByRole(AriaRole.Link, new() { Name = "Importer", Exact = true }).ClickAsync();
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-import");
        await manager.GetByLabel("Fichier CSV").SetInputFilesAsync(new FilePayload
        {
            Name = "absences.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"""
                matricule;date;moment;periodes;motif;id_ligne
                M-LUCAS;{monday:dd/MM/yyyy};journée;;;X-1
                M-LUCAS;{tuesday:yyyy-MM-dd};matin;3-4;;X-2
                M-CHLOE;{tuesday:yyyy-MM-dd};après-midi;;RDV;X-3
                """),
        });
        await manager.GetByRole(AriaRole.Button, new() { Name = "Voir l'aperçu" }).ClickAsync();
        await Assertions.Expect(manager.GetByText("3 à ajouter")).ToBeVisibleAsync();
        await Assertions.Expect(manager.Locator("table.import-preview tbody tr")).ToHaveCountAsync(3);
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-import-preview");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Confirmer l'import" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToHaveTextAsync("Import terminé : 3 ajoutée(s), 0 mise(s) à jour, 0 inchangée(s).");

        await manager.GetByRole(AriaRole.Link, new() { Name = "Non justifiées" }).ClickAsync();
        await manager.GetByLabel("Classe").SelectOptionAsync("4B");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        var lucas = manager.Locator("table.unjustified tbody tr", new() { HasText = "Lefèvre Lucas" });
        await Assertions.Expect(lucas.Locator("td.unjustified-count")).ToHaveTextAsync("3");
        await Assertions.Expect(lucas.Locator("td.dates")).ToContainTextAsync($"{monday:dd/MM} (toute la journée), {tuesday:dd/MM} (matin)");
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-unjustified");

        await lucas.GetByRole(AriaRole.Link, new() { Name = "Lefèvre Lucas" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Absences de Lucas Lefèvre", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(manager.Locator("table.pupil-history tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(manager.Locator("table.pupil-history")).ToContainTextAsync("matin (périodes 3, 4)");
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-pupil-history");

        await manager.GotoAsync(new Uri(web.DemoSchool, $"gestion/absences?Class=4B&Day={tuesday:yyyy-MM-dd}&Part=afternoon").ToString());
        var chloe = manager.Locator("li", new() { HasText = "Dubois Chloé" });
        await Assertions.Expect(chloe).ToContainTextAsync("importé");
        await Assertions.Expect(chloe.GetByRole(AriaRole.Checkbox)).ToBeDisabledAsync();
        await manager.NoSeriousViolationAsync();
        await Screens.SaveAsync(manager, "absences-register-imported");
    }
}