using System.Text;
using ItSchool.Accounts;
using ItSchool.Platform;
using ItSchool.Pupils;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Management;

public sealed class PupilImportTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    const string Header = "matricule;prenom_eleve;nom_eleve;classe;prenom_parent;nom_parent;email_parent";

    [Fact]
    public async Task The_plan_says_which_pupils_are_created_updated_or_unchanged_and_which_parents_are_new()
    {
        var school = await SchoolWithLucasAndZoeAsync();
        var file = Lines(
            Header,
            "1001;Emma;Wouters;1A;Julie;Wouters;julie@example.be",
            "1001;Emma;Wouters;1A;Tom;Wouters;tom@example.be",
            "1002;Lucas;Lefèvre;5B;Amelie;LEFEVRE;amelie@example.be",
            "1003;Zoé;Martin;2C;;;");

        var plan = await new PupilImport(database.Db).PlanAsync(school, file);

        Assert.True(plan.IsValid);
        Assert.Equal([("1001", PupilChange.Create), ("1002", PupilChange.Update), ("1003", PupilChange.Unchanged)],
            plan.Pupils.Select(p => (p.Details.Reference, p.Change)));
        Assert.Equal("4B", plan.Pupils[1].Before?.ClassName);
        Assert.Equal([("julie@example.be", true), ("tom@example.be", true), ("amelie@example.be", false)],
            plan.Parents.Select(p => (p.Parent.Email, p.IsNew)));
        Assert.Equal("amelie.lefevre", plan.Parents[2].UserName);
        Assert.Equal([true, true], plan.Pupils[0].Guardians.Select(g => g.IsNew));
        Assert.Equal([false], plan.Pupils[1].Guardians.Select(g => g.IsNew));
        Assert.Equal(2, plan.NewLinks);
        Assert.Equal(2, await TestSchools.CountAsync(database.Db, "pupils", school));
    }

    [Fact]
    public async Task Applying_writes_the_plan_and_importing_the_same_file_again_changes_nothing()
    {
        var school = await SchoolWithLucasAndZoeAsync();
        var import = new PupilImport(database.Db);
        var file = Lines(
            Header,
            "1001;Emma;Wouters;1A;Julie;Wouters;julie@example.be",
            "1001;Emma;Wouters;1A;Tom;Wouters;tom@example.be",
            "1002;Lucas;Lefèvre;5B;Amélie;Lefèvre;amelie@example.be",
            "1004;Hugo;Wouters;3A;Julie;Wouters;julie@example.be");

        var applied = await import.ApplyAsync(school, file);

        Assert.True(applied.IsValid);
        Assert.Equal(["julie.wouters", "tom.wouters", "amelie.lefevre"], applied.Parents.Select(p => p.UserName));
        var registry = new PupilRegistry(database.Db);
        var emma = (await registry.ListAsync(school, "1A")).Single();
        Assert.Equal(["Julie", "Tom"], emma.Guardians.Select(g => g.FirstName));
        Assert.Equal(["Julie"], (await registry.ListAsync(school, "3A")).Single().Guardians.Select(g => g.FirstName));
        Assert.Equal("5B", (await registry.ListAsync(school, "5B")).Single().ClassName);
        var counts = await CountsAsync(school);

        var again = await import.PlanAsync(school, file);
        Assert.True(again.IsValid);
        Assert.False(again.ChangesAnything);
        Assert.All(again.Pupils, p => Assert.Equal(PupilChange.Unchanged, p.Change));
        Assert.All(again.Parents, p => Assert.False(p.IsNew));
        Assert.True((await import.ApplyAsync(school, file)).IsValid);
        Assert.Equal(counts, await CountsAsync(school));
    }

    [Fact]
    public async Task Errors_are_listed_by_line_and_nothing_is_written_when_one_line_is_wrong()
    {
        var school = await SchoolWithLucasAndZoeAsync();
        var counts = await CountsAsync(school);
        var file = Lines(
            Header,
            "1001;Emma;Wouters;1A;Julie;Wouters;julie@example.be",
            "1005;Noah;Claes;;;;",
            "",
            "1006;Lou;Claes;2A;Anne;Claes;anne.claes@",
            "1001;Emma;Wouters;6A;Tom;Wouters;tom@example.be",
            "1007;Mia;Peeters;2A;;;mia.parent@example.be",
            "1008;Liam;Peeters;2A;Eva;Peeters;eva@example.be");

        var applied = await new PupilImport(database.Db).ApplyAsync(school, file);

        Assert.False(applied.IsValid);
        Assert.Equal(
            [
                (3, ImportProblem.MissingValue, "classe"),
                (5, ImportProblem.InvalidEmail, "email_parent"),
                (6, ImportProblem.ConflictingPupil, "matricule"),
                (7, ImportProblem.MissingValue, "prenom_parent"),
                (7, ImportProblem.MissingValue, "nom_parent"),
            ],
            applied.Errors.Select(e => (e.Line, e.Problem, e.Column)));
        Assert.Equal(2, applied.Errors.Single(e => e.Problem == ImportProblem.ConflictingPupil).OtherLine);
        Assert.Empty(applied.Pupils);
        Assert.Equal(counts, await CountsAsync(school));
    }

    [Fact]
    public void A_missing_column_is_reported_on_the_header_line()
    {
        var (rows, errors) = PupilImport.Parse(Lines("matricule;prenom_eleve;nom_eleve;prenom_parent;nom_parent", "1;A;B;C;D"));

        Assert.Empty(rows);
        Assert.Equal([(1, ImportProblem.MissingColumn, "classe"), (1, ImportProblem.MissingColumn, "email_parent")],
            errors.Select(e => (e.Line, e.Problem, e.Column)));
    }

    [Fact]
    public void A_comma_separated_export_with_a_byte_order_mark_quotes_and_french_headings_reads_the_same()
    {
        var text = "\uFEFFMatricule,Prénom élève,Nom élève,Classe,Prénom parent,Nom parent,E-mail parent,Remarque\r\n"
            + "\"2001\",\"Anne-Marie\",\"D'Hondt, de Smet\",\"3A\",Marc,D'Hondt,marc@example.be,\"allergie\r\nnoix\"\r\n"
            + "2002,Léo,\"Van \"\"Le Grand\"\"\",3A,,,,\r\n";

        var (rows, errors) = PupilImport.Parse(text);

        Assert.Empty(errors);
        Assert.Equal(
            [
                (2, new PupilDetails("Anne-Marie", "D'Hondt, de Smet", "3A", "2001")),
                (4, new PupilDetails("Léo", "Van \"Le Grand\"", "3A", "2002")),
            ],
            rows.Select(r => (r.Line, r.Pupil)));
        Assert.Equal(new NewParent("Marc", "D'Hondt", "marc@example.be"), rows[0].Parent);
        Assert.Null(rows[1].Parent);
    }

    [Fact]
    public void A_file_with_only_pupil_columns_is_allowed()
    {
        var (rows, errors) = PupilImport.Parse(Lines("matricule;prenom_eleve;nom_eleve;classe", "3001;Lou;Simon;1B"));

        Assert.Empty(errors);
        Assert.Null(Assert.Single(rows).Parent);
    }

    [Theory]
    [InlineData("", ImportProblem.Empty, 1)]
    [InlineData(Header + "\n", ImportProblem.NoPupils, 1)]
    [InlineData(Header + "\n1;A;B;1A;;;\n2;\"C;D;1A;;;\n", ImportProblem.UnclosedQuote, 3)]
    [InlineData(Header + "\n1;A;B;1A;;;;extra\n", ImportProblem.TooManyFields, 2)]
    public void A_file_that_cannot_be_read_says_why_and_where(string text, ImportProblem problem, int line)
    {
        var (_, errors) = PupilImport.Parse(text);

        Assert.Contains(errors, e => e.Problem == problem && e.Line == line);
    }

    [Fact]
    public void Files_as_Belgian_Excel_saves_them_are_read_in_Windows_1252_UTF_8_or_UTF_16()
    {
        var text = "matricule;prénom_élève;nom\n1;Zoé;Lefèvre – “Œuvre” 5 €\n";
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        Assert.Equal(text, CsvText.Decode(windows1252.GetBytes(text)));
        Assert.Equal(text, CsvText.Decode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(text, CsvText.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]));
        Assert.Equal(text, CsvText.Decode([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]));
    }

    [Fact]
    public void A_binary_file_is_not_taken_for_text()
    {
        Assert.Null(CsvText.Decode([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
        Assert.Null(CsvText.Decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
    }

    /// <summary>A school with Lucas (1002, 4B, guardian Amélie Lefèvre) and Zoé (1003, 2C, no guardian).</summary>
    async Task<Guid> SchoolWithLucasAndZoeAsync()
    {
        var school = await TestSchools.CreateAsync(database.Db);
        var registry = new PupilRegistry(database.Db);
        var (lucas, _) = await registry.AddAsync(school, new PupilDetails("Lucas", "Lefèvre", "4B", "1002"));
        await registry.AddAsync(school, new PupilDetails("Zoé", "Martin", "2C", "1003"));
        await registry.AddGuardianAsync(school, lucas!.Value, new NewParent("Amélie", "Lefèvre", "amelie@example.be"));
        return school;
    }

    async Task<(long Pupils, long Users, long Links)> CountsAsync(Guid school) => (
        await TestSchools.CountAsync(database.Db, "pupils", school),
        await TestSchools.CountAsync(database.Db, "users", school),
        await TestSchools.CountAsync(database.Db, "guardianships", school));

    static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";
}