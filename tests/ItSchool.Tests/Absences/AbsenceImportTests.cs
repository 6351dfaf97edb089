using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Absences;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Absences;

/// <summary>
/// The CSV import of absences over HTTP on the demo school, whose 4B pupils get matricules here: a file is previewed, then
/// confirmed; the same file twice changes nothing; any bad line refuses the whole file. Each test has its own days.
/// </summary>
public sealed class AbsenceImportTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    const string Import = "/e/demo/gestion/absences/import";

    public async Task InitializeAsync() => await SqlAsync("""
        UPDATE pupils SET reference = 'M-LUCAS' WHERE first_name = 'Lucas';
        UPDATE pupils SET reference = 'M-CHLOE' WHERE first_name = 'Chloé';
        UPDATE pupils SET reference = 'M-BENOIT' WHERE first_name = 'Benoît';
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    DateOnly Day(int schoolDaysAgo) => SchoolDaysAgo.Of(web, schoolDaysAgo);

    async Task SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every absence of the school, as text, to see that a refused file changed nothing.</summary>
    async Task<List<string>> AbsencesAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("""
            SELECT id || '|' || pupil_id || '|' || day || '|' || part || '|' || coalesce(periods::text, '') || '|' || coalesce(reason_code, '')
                   || '|' || source || '|' || coalesce(import_key, '') FROM absences ORDER BY id
            """);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    async Task<List<(Guid Id, string Part, string? Periods, string? Reason, string Source, string? Key)>> RowsAsync(DateOnly day)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var query = db.CreateCommand("""
            SELECT id, part, periods::text, reason_code, source, import_key FROM absences WHERE day = @day ORDER BY pupil_id, part
            """);
        query.Parameters.AddWithValue("day", day);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<(Guid, string, string?, string?, string, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    /// <summary>Uploads the file for its preview; the page, decoded.</summary>
    static async Task<string> PreviewAsync(HttpClient manager, byte[] file, string name = "absences.csv")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Forms.AntiforgeryToken(await manager.GetStringAsync(Import))), "__RequestVerificationToken" },
            { new ByteArrayContent(file), "fichier", name },
        };
        var response = await manager.PostAsync(Import, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    static Task<string> PreviewAsync(HttpClient manager, string text) => PreviewAsync(manager, Encoding.UTF8.GetBytes(text));

    /// <summary>Previews the file, then confirms it as the preview's button does; the answer page, decoded.</summary>
    static async Task<string> ImportAsync(HttpClient manager, string text)
    {
        var preview = await PreviewAsync(manager, text);
        var response = await manager.PostAsync($"{Import}/confirmer", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Content"] = text,
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(preview),
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_is_previewed_then_imported_the_same_file_twice_changes_nothing_and_a_changed_reason_updates_its_line()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (monday, tuesday) = (Day(10), Day(11));
        var file = $"""
            matricule;date;moment;periodes;motif;id_ligne
            M-LUCAS;{monday:yyyy-MM-dd};matin;;MALADIE;L-1
            M-CHLOE;{monday:dd/MM/yyyy};après-midi;3-4;;L-2
            M-LUCAS;{tuesday:yyyy-MM-dd};journée;;;
            """;
        var preview = await PreviewAsync(manager, file);
        Assert.Contains("3 à ajouter", preview);
        Assert.Contains("0 à mettre à jour", preview);
        Assert.Contains("après-midi (périodes 3, 4)", preview);
        Assert.Empty(await RowsAsync(monday));

        var done = await ImportAsync(manager, file);
        Assert.Contains("Import terminé : 3 ajoutée(s), 0 mise(s) à jour, 0 inchangée(s).", done);
        var first = await RowsAsync(monday);
        Assert.Equal(2, first.Count);
        Assert.Contains(first, r => r is { Part: "morning", Reason: "MALADIE", Source: "import", Key: "line:L-1", Periods: null });
        Assert.Contains(first, r => r is { Part: "afternoon", Reason: null, Source: "import", Key: "line:L-2", Periods: "{3,4}" });
        Assert.Single(await RowsAsync(tuesday), r => r is { Part: "day", Source: "import" } && r.Key!.EndsWith($":{tuesday:yyyy-MM-dd}:day"));
        var all = await AbsencesAsync();

        // Sent again (a reload of the confirmation, or tomorrow's export repeating today's lines): nothing moves.
        Assert.Contains("0 à ajouter", await PreviewAsync(manager, file));
        Assert.Contains("Import terminé : 0 ajoutée(s), 0 mise(s) à jour, 3 inchangée(s).", await ImportAsync(manager, file));
        Assert.Equal(all, await AbsencesAsync());

        var corrected = file.Replace($"M-CHLOE;{monday:dd/MM/yyyy};après-midi;3-4;;L-2", $"M-CHLOE;{monday:dd/MM/yyyy};après-midi;3-4;FAMILLE;L-2");
        Assert.Contains("Import terminé : 0 ajoutée(s), 1 mise(s) à jour, 2 inchangée(s).", await ImportAsync(manager, corrected));
        var after = await RowsAsync(monday);
        Assert.Equal(first.Select(r => r.Id), after.Select(r => r.Id));
        Assert.Contains(after, r => r is { Key: "line:L-2", Reason: "FAMILLE" });
        Assert.Equal(all.Count, (await AbsencesAsync()).Count);
    }

    [Fact]
    public async Task A_comma_file_with_a_byte_order_mark_and_english_or_dutch_parts_imports()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var day = Day(12);
        var text = $"Matricule,Date,Moment,Motif\r\nM-LUCAS,{day:dd/MM/yyyy},AM,autre\r\nM-CHLOE,{day:yyyy-MM-dd},namiddag,\r\nM-BENOIT,{day:yyyy-MM-dd},Day,\r\n";
        var preview = await PreviewAsync(manager, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        Assert.Contains("3 à ajouter", preview);
        Assert.Contains("Import terminé : 3 ajoutée(s)", await ImportAsync(manager, text));
        var rows = await RowsAsync(day);
        Assert.Equal(["afternoon", "day", "morning"], rows.Select(r => r.Part).Order());
        Assert.Contains(rows, r => r is { Part: "morning", Reason: "AUTRE" });
    }

    public static TheoryData<string, string> BadLines => new()
    {
        { "M-NOBODY;{day};matin;;;", "Aucun élève de l'école n'a le matricule « M-NOBODY »." },
        { "M-ELSEWHERE;{day};matin;;;", "Aucun élève de l'école n'a le matricule « M-ELSEWHERE »." },
        { "M-LUCAS;{day};matin;;VACANCES;", "Le motif « VACANCES » n'est pas dans la liste de l'école" },
        { "M-LUCAS;31/02/2026;matin;;;", "« 31/02/2026 » n'est pas une date" },
        { "M-LUCAS;{saturday};matin;;;", "est un samedi ou un dimanche" },
        { "M-LUCAS;{future};matin;;;", "est encore à venir" },
        { "M-LUCAS;{day};soir;;;", "« soir » n'est pas un moment" },
        { "M-LUCAS;{day};matin;0-13;;", "« 0-13 » ne sont pas des périodes" },
        { "M-LUCAS;{day};journée;3;;", "Des périodes ne se donnent que pour un matin ou un après-midi" },
        { "M-LUCAS;{day};matin;;;L-9\nM-CHLOE;{day};matin;;;L-9", "La ligne 3 a le même identifiant (« L-9 ») mais dit autre chose." },
        { "M-LUCAS;{day};matin;;;A\nM-LUCAS;{day};matin;;;B", "La ligne 3 donne déjà ce moment de ce jour pour l'élève « M-LUCAS »." },
        { "M-LUCAS;;matin;;;", "La colonne « date » est vide." },
        { "M-LUCAS;{day};matin;;;;extra", "La ligne a plus de cellules que l'en-tête." },
        { "\"M-LUCAS;{day};matin;;;", "Un guillemet ouvert n'est jamais fermé" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task Any_bad_line_refuses_the_whole_file_with_its_line_number_and_nothing_is_written(string bad, string message)
    {
        var otherSchool = Guid.NewGuid();
        await SqlAsync("""
            INSERT INTO schools (id, slug, name) VALUES (@school, @slug, 'Ailleurs');
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name, reference) VALUES (@pupil, @school, 'Zoé', 'Ailleurs', '4B', 'M-ELSEWHERE');
            """, ("school", otherSchool), ("slug", $"ailleurs-{otherSchool:N}"), ("pupil", Guid.NewGuid()));
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var day = Day(13);
        var saturday = SchoolTime.Today(web.Clock).AddDays(-7);
        while (saturday.DayOfWeek != DayOfWeek.Saturday)
        {
            saturday = saturday.AddDays(-1);
        }
        var future = SchoolDays.Next(SchoolTime.Today(web.Clock), 1);
        var badLines = bad.Replace("{day}", $"{day:yyyy-MM-dd}").Replace("{saturday}", $"{saturday:yyyy-MM-dd}").Replace("{future}", $"{future:yyyy-MM-dd}");
        // A good line first, so that the refusal is seen to take the good lines with it.
        var file = $"matricule;date;moment;periodes;motif;id_ligne\nM-CHLOE;{day:yyyy-MM-dd};après-midi;;MALADIE;\n{badLines}\n";
        var before = await AbsencesAsync();

        var preview = await PreviewAsync(manager, file);
        Assert.Contains("Le fichier n'a pas été importé", preview);
        Assert.Contains(message, preview);
        var line = bad.Contains('\n') ? 4 : 3;
        Assert.Matches($"data-line=\"{line}\"", preview);
        Assert.DoesNotContain("Confirmer l'import", preview);

        // A forged confirmation of the same text is planned again, and refused the same way.
        var confirmed = await ImportAsync(manager, file);
        Assert.Contains(message, confirmed);
        Assert.Equal(before, await AbsencesAsync());
    }

    [Theory]
    [InlineData("date;moment\n2026-01-05;matin\n", "La colonne « matricule » manque dans la ligne d'en-tête.")]
    [InlineData("matricule;date;moment;remarque\nM-LUCAS;2026-01-05;matin;x\n", "La colonne « remarque » n'est pas connue")]
    [InlineData("matricule;date;moment\n", "Le fichier ne contient aucune absence sous sa ligne d'en-tête.")]
    public async Task A_file_with_a_wrong_header_or_no_lines_is_refused(string file, string message)
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await AbsencesAsync();
        Assert.Contains(message, await PreviewAsync(manager, file));
        Assert.Contains(message, await ImportAsync(manager, file));
        Assert.Equal(before, await AbsencesAsync());
    }

    [Fact]
    public async Task A_picture_uploaded_by_mistake_is_refused_as_unreadable()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await AbsencesAsync();
        Assert.Contains("n'est pas un fichier texte CSV lisible", await PreviewAsync(manager, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x01], "photo.png"));
        Assert.Equal(before, await AbsencesAsync());
    }

    [Fact]
    public async Task An_import_over_a_register_absence_keeps_it_and_gives_it_the_reason_and_the_register_cannot_untick_an_imported_one()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (lucas, chloe) = (await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Chloé"));
        var day = Day(14);
        var register = $"/e/demo/gestion/absences?Class=4B&Day={day:yyyy-MM-dd}&Part=morning";
        var saved = await Forms.PostAsync(manager, register, "/e/demo/gestion/absences",
            ("Class", "4B"), ("Day", $"{day:yyyy-MM-dd}"), ("Part", "morning"), ("Absent", lucas.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var registered = Assert.Single(await RowsAsync(day));

        var file = $"matricule;date;moment;motif\nM-LUCAS;{day:yyyy-MM-dd};matin;MALADIE\nM-CHLOE;{day:yyyy-MM-dd};matin;\n";
        Assert.Contains("Import terminé : 1 ajoutée(s), 1 mise(s) à jour, 0 inchangée(s).", await ImportAsync(manager, file));
        var rows = await RowsAsync(day);
        Assert.Contains(rows, r => r.Id == registered.Id && r is { Source: "register", Reason: "MALADIE", Key: null });
        Assert.Contains(rows, r => r is { Source: "import", Reason: null });
        Assert.Contains("Import terminé : 0 ajoutée(s), 0 mise(s) à jour, 2 inchangée(s).", await ImportAsync(manager, file));

        var page = WebUtility.HtmlDecode(await manager.GetStringAsync(register));
        var chloeLine = Regex.Match(page, $"data-pupil=\"{chloe}\"(.*?)</li>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("disabled", chloeLine);
        Assert.DoesNotContain("name=\"Absent\"", chloeLine);
        Assert.Contains("<span class=\"absence-source small\">importé</span>", chloeLine);
        Assert.Matches($"value=\"{lucas}\"[^>]*checked", page);

        // Saved with nobody ticked: the register's own absence goes, the imported one stays.
        var emptied = await Forms.PostAsync(manager, register, "/e/demo/gestion/absences", ("Class", "4B"), ("Day", $"{day:yyyy-MM-dd}"), ("Part", "morning"));
        Assert.Equal(HttpStatusCode.Redirect, emptied.StatusCode);
        Assert.Single(await RowsAsync(day), r => r is { Source: "import" });
    }

    [Fact]
    public async Task The_example_file_is_offered_with_a_byte_order_mark_and_a_parent_cannot_import()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var example = await manager.GetByteArrayAsync($"{Import}/exemple.csv");
        Assert.Equal(Encoding.UTF8.GetPreamble(), example[..3]);
        Assert.StartsWith("matricule;date;moment;periodes;motif;id_ligne\r\n", Encoding.UTF8.GetString(example[3..]));

        var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.NotEqual(HttpStatusCode.OK, (await marc.GetAsync(Import)).StatusCode);
    }

    [Theory]
    [InlineData("3-4", new[] { 3, 4 })]
    [InlineData("3,4", new[] { 3, 4 })]
    [InlineData(" 1-3 + 6 ", new[] { 1, 2, 3, 6 })]
    [InlineData("5 2 5", new[] { 2, 5 })]
    [InlineData("4-2", null)]
    [InlineData("0", null)]
    [InlineData("13", null)]
    [InlineData("3-", null)]
    [InlineData("x", null)]
    public void Periods_are_read_as_ranges_or_lists_from_1_to_12(string text, int[]? periods) =>
        Assert.Equal(periods, AbsenceImport.Periods(text)?.ToArray());
}