using ItSchool.BankStatements;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.BankStatements;

public sealed class BankImportTests(WebNode web) : IClassFixture<WebNode>
{
    static readonly Actor Manager = new(ActorKind.User, "test", "Claire Dupont");

    BankImports Imports => web.Services.GetRequiredService<BankImports>();
    MovementsToResolve ToResolve => web.Services.GetRequiredService<MovementsToResolve>();

    Task<ImportReport> ImportAsync(byte[] file, string name = "releve.cod") =>
        Imports.ImportAsync(DemoSchool.Id, name, () => new MemoryStream(file), Manager);

    [Fact]
    public async Task A_statement_credits_the_wallets_whose_communication_it_carries_and_the_same_file_again_moves_nothing()
    {
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît");
        var chloeMeals = await Statements.CommunicationAsync(web, "Chloé", 2);
        var (benoitBefore, chloeBefore) = (await Statements.BalanceAsync(web, "Benoît"), await Statements.BalanceAsync(web, "Chloé", 2));
        var file = statements.Coda([("A1", 2_500, benoit.ToString()), ("A2", 1_000, chloeMeals.Digits), ("A3", 700, "pour la classe verte"),
            ("A4", -1_575, "Frais bancaires"), ("A5", 0, "Correction")]);

        var first = await ImportAsync(file);
        Assert.Equal(ImportStatus.Applied, first.Status);
        Assert.Equal((1, 5, 0, 2, 3_500L, 3), (first.Statements, first.Movements, first.Duplicates, first.Credited, first.CreditedCents, first.Unmatched));
        Assert.Equal(benoitBefore + 2_500, await Statements.BalanceAsync(web, "Benoît"));
        Assert.Equal(chloeBefore + 1_000, await Statements.BalanceAsync(web, "Chloé", 2));

        var again = await ImportAsync(file);
        Assert.Equal((5, 5, 0, 0), (again.Movements, again.Duplicates, again.Credited, again.Unmatched));
        Assert.Equal(benoitBefore + 2_500, await Statements.BalanceAsync(web, "Benoît"));
        Assert.Equal(chloeBefore + 1_000, await Statements.BalanceAsync(web, "Chloé", 2));

        var uploaded = await Imports.UploadAsync(DemoSchool.Id, "encore.cod", file, "Claire Dupont");
        var preview = (await Imports.PreviewAsync(DemoSchool.Id, uploaded))!;
        Assert.True(preview.AlreadyImported);
        Assert.Equal((0, 5), (preview.NewMovements, preview.Duplicates));
    }

    [Fact]
    public async Task A_globalised_batch_credits_each_of_its_details_once_and_records_no_line_for_its_total()
    {
        var statements = new Statements();
        var (lucas, chloe) = (await Statements.CommunicationAsync(web, "Lucas"), await Statements.CommunicationAsync(web, "Chloé", 2));
        var (lucasBefore, chloeBefore) = (await Statements.BalanceAsync(web, "Lucas"), await Statements.BalanceAsync(web, "Chloé", 2));
        var file = statements.Coda(writer =>
        {
            writer.Movement(statements.Reference("H1"), 700, "pour la classe verte", "DUBOIS MARC");
            writer.Batch(statements.Reference("H2"), [(1_500, lucas.ToString(), "PARENT DE LUCAS"), (2_500, chloe.Digits, "PARENT DE CHLOE"),
                (300, "don pour la fancy-fair", null)]);
        });

        var uploaded = await Imports.UploadAsync(DemoSchool.Id, "lot.cod", file, "Claire Dupont");
        var preview = (await Imports.PreviewAsync(DemoSchool.Id, uploaded))!;
        Assert.Equal((4, 2, 4_000L, 2), (preview.NewMovements, preview.WalletCount, preview.WalletCents, preview.ToResolve));
        Assert.Equal(["H1", "H2/0001", "H2/0003", "H2/0005"], preview.Lines.Select(l => l.Movement.Reference[6..]));

        var report = (await Imports.ApplyAsync(DemoSchool.Id, uploaded, Manager))!;
        Assert.Equal((ImportStatus.Applied, 4, 2, 4_000L, 2), (report.Status, report.Movements, report.Credited, report.CreditedCents, report.Unmatched));
        Assert.Equal(lucasBefore + 1_500, await Statements.BalanceAsync(web, "Lucas"));
        Assert.Equal(chloeBefore + 2_500, await Statements.BalanceAsync(web, "Chloé", 2));
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var recorded = db.CreateCommand("SELECT count(*) FROM bank_movements WHERE school_id = @school AND bank_reference = @total");
        recorded.Parameters.AddWithValue("school", DemoSchool.Id);
        recorded.Parameters.AddWithValue("total", statements.Reference("H2"));
        Assert.Equal(0L, await recorded.ExecuteScalarAsync());

        var again = await ImportAsync(file);
        Assert.Equal((4, 4, 0), (again.Movements, again.Duplicates, again.Credited));
        Assert.Equal(lucasBefore + 1_500, await Statements.BalanceAsync(web, "Lucas"));
    }

    [Fact]
    public async Task The_same_confirmation_sent_twice_at_once_applies_once_and_both_get_the_first_report()
    {
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît", 2);
        var before = await Statements.BalanceAsync(web, "Benoît", 2);
        var id = await Imports.UploadAsync(DemoSchool.Id, "double.cod", statements.Coda([("G1", 640, benoit.ToString())]), "Claire Dupont");

        var reports = await Task.WhenAll(Imports.ApplyAsync(DemoSchool.Id, id, Manager), Imports.ApplyAsync(DemoSchool.Id, id, Manager));
        var final = (await Imports.FindAsync(DemoSchool.Id, id))!;
        Assert.Equal((ImportStatus.Applied, 1, 0, 1), (final.Status, final.Movements, final.Duplicates, final.Credited));
        Assert.All(reports, r => Assert.Equal(id, r!.Id));
        Assert.Equal(before + 640, await Statements.BalanceAsync(web, "Benoît", 2));
        Assert.Null(await Imports.ApplyAsync(Guid.NewGuid(), id, Manager));
    }

    [Fact]
    public async Task An_overlapping_later_file_adds_only_what_is_new()
    {
        var statements = new Statements();
        var lucas = await Statements.CommunicationAsync(web, "Lucas");
        var before = await Statements.BalanceAsync(web, "Lucas");
        var first = statements.Coda([("B1", 1_000, lucas.ToString())]);
        var (number, closing) = (statements.Number, statements.Closing);
        await ImportAsync(first);

        statements.Rewind(0, 0);
        var overlapping = statements.Coda([("B1", 1_000, lucas.ToString())], [("B2", 500, lucas.ToString()), ("B3", 250, lucas.ToString())]);
        var report = await ImportAsync(overlapping);
        Assert.Equal((2, 3, 1, 2, 750L), (report.Statements, report.Movements, report.Duplicates, report.Credited, report.CreditedCents));
        Assert.Equal(before + 1_750, await Statements.BalanceAsync(web, "Lucas"));
        Assert.Equal((1, 1_000), (number, closing));
    }

    [Fact]
    public async Task An_import_interrupted_after_recording_is_finished_by_importing_the_file_again_crediting_each_line_once()
    {
        var statements = new Statements();
        var genevieve = await Statements.CommunicationAsync(web, "Geneviève");
        var before = await Statements.BalanceAsync(web, "Geneviève");
        var file = statements.Coda([("C1", 300, genevieve.ToString()), ("C2", 400, genevieve.ToString()), ("C3", 500, genevieve.ToString())]);

        // The crash: the statement and its movements are recorded, one credit reached the purse, none was marked.
        var crashed = await Imports.ImportAsync(DemoSchool.Id, "releve.cod", () => new MemoryStream(file), Manager, stopBeforeSettling: true);
        Assert.Equal(0, crashed.Credited);
        await BankImports.CreditAsync(web.Services.GetRequiredService<IGrainFactory>(), await DemoPupils.IdAsync(web, "Geneviève"), 1,
            $"{statements.Account[^6..]}C2", 400, Manager);
        Assert.Equal(before + 400, await Statements.BalanceAsync(web, "Geneviève"));

        var finished = await ImportAsync(file);
        Assert.Equal((3, 3, 1_200L), (finished.Duplicates, finished.Credited, finished.CreditedCents));
        Assert.Equal(before + 1_200, await Statements.BalanceAsync(web, "Geneviève"));
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM ledger_entries WHERE idempotency_key LIKE @key");
        count.Parameters.AddWithValue("key", $"bank/{statements.Account[^6..]}C%");
        Assert.Equal(3L, await count.ExecuteScalarAsync());
        Assert.Equal(0, (await ImportAsync(file)).Credited);
    }

    [Fact]
    public async Task A_KBC_statement_with_information_records_and_a_globalised_batch_is_applied_and_again_moves_nothing()
    {
        var first = await ImportAsync(StatementFiles.Bytes("kbc.cod"), "kbc.cod");
        Assert.Equal((ImportStatus.Applied, null, 1, 7, 0), (first.Status, first.Problem, first.Statements, first.Movements, first.Duplicates));
        var again = await ImportAsync(StatementFiles.Bytes("kbc.cod"), "kbc.cod");
        Assert.Equal((ImportStatus.Applied, 7, 7, 0), (again.Status, again.Movements, again.Duplicates, again.Credited));
    }

    [Theory]
    [InlineData("wrong-totals.cod")]
    [InlineData("truncated.xml")]
    [InlineData("globalised-counted-twice.cod")]
    [InlineData("information-without-movement.cod")]
    public async Task A_broken_file_is_rejected_with_its_reason_in_the_history_and_records_nothing(string name)
    {
        var report = await ImportAsync(StatementFiles.Bytes(name), name);
        Assert.Equal(ImportStatus.Rejected, report.Status);
        Assert.Contains("ligne", BankFrench.Text(report.Problem));
        Assert.Contains(await Imports.HistoryAsync(DemoSchool.Id), r => r.Id == report.Id && r.Status == ImportStatus.Rejected);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var count = db.CreateCommand("SELECT (SELECT count(*) FROM bank_movements WHERE import_id = @id) + (SELECT count(*) FROM bank_statements WHERE import_id = @id)");
        count.Parameters.AddWithValue("id", report.Id);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Statements_must_follow_each_other_per_account_and_a_known_number_cannot_change()
    {
        var statements = new Statements();
        var chloe = await Statements.CommunicationAsync(web, "Chloé");
        await ImportAsync(statements.Coda([("D1", 100, chloe.ToString())]));
        var before = await Statements.BalanceAsync(web, "Chloé");

        var (number, closing) = (statements.Number, statements.Closing);
        statements.Rewind(number + 1, closing);
        var gap = await ImportAsync(statements.Coda([("D3", 100, chloe.ToString())]));
        Assert.Equal(ImportStatus.Rejected, gap.Status);
        Assert.Contains($"relevé n° 3 du compte {statements.Account}", BankFrench.Text(gap.Problem));
        Assert.Contains("il manque", BankFrench.Text(gap.Problem));

        statements.Rewind(number, closing + 1);
        var balance = await ImportAsync(statements.Coda([("D2", 100, chloe.ToString())]));
        Assert.Contains("ne suit pas le solde de clôture du relevé n° 1", BankFrench.Text(balance.Problem));

        statements.Rewind(0, 0);
        var changed = await ImportAsync(statements.Coda([("D1", 200, chloe.ToString())]));
        Assert.Contains("déjà été importé avec un autre contenu", BankFrench.Text(changed.Problem));
        Assert.Equal(before, await Statements.BalanceAsync(web, "Chloé"));
    }

    [Fact]
    public async Task Free_text_lines_wait_with_suggestions_and_are_credited_once_when_assigned()
    {
        var statements = new Statements();
        var lucas = await Statements.CommunicationAsync(web, "Lucas");
        var typo = lucas.Digits[..4] + (lucas.Digits[4] == '9' ? '0' : (char)(lucas.Digits[4] + 1)) + lucas.Digits[5..];
        var invoice = StructuredCommunication.From(2_000_000_042);
        await ImportAsync(statements.Coda([("E1", 1_500, $"Repas de Benoit Lefevre"), ("E2", 800, $"recharge {typo}"), ("E3", 900, invoice.ToString()),
            ("E4", -300, "Frais")]));
        var waiting = (await ToResolve.PageAsync(DemoSchool.Id, PageRequest.First)).Rows.Where(m => m.CounterpartyName == "LEFEVRE AMELIE").ToList();
        var byName = waiting.Single(m => m.Communication == "Repas de Benoit Lefevre");
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        Assert.Contains(byName.Suggestions, s => s.PupilId == benoit && s.Why == SuggestionReason.PupilName);
        var byTypo = waiting.Single(m => m.AmountCents == 800);
        var lucasId = await DemoPupils.IdAsync(web, "Lucas");
        Assert.Equal([(lucasId, 1)], byTypo.Suggestions.Where(s => s.Why == SuggestionReason.CommunicationOneDigitOff).Select(s => (s.PupilId, s.Compartment)));
        Assert.Contains(waiting, m => m.AmountCents == 900);
        var debit = waiting.Single(m => m.AmountCents == -300);

        var before = await Statements.BalanceAsync(web, "Lucas");
        Assert.Null(await ToResolve.AssignToCompartmentAsync(DemoSchool.Id, byTypo.Id, lucasId, 1, Manager));
        Assert.Equal(ResolveProblem.AlreadyResolved, await ToResolve.AssignToCompartmentAsync(DemoSchool.Id, byTypo.Id, lucasId, 1, Manager));
        Assert.Equal(before + 800, await Statements.BalanceAsync(web, "Lucas"));

        Assert.Equal(ResolveProblem.NotACredit, await ToResolve.AssignToCompartmentAsync(DemoSchool.Id, debit.Id, lucasId, 1, Manager));
        Assert.Equal(ResolveProblem.ReasonRequired, await ToResolve.MarkNotForUsAsync(DemoSchool.Id, debit.Id, "  ", Manager));
        Assert.Equal(ResolveProblem.NotFound, await ToResolve.MarkNotForUsAsync(Guid.NewGuid(), debit.Id, "Frais", Manager));
        Assert.Null(await ToResolve.MarkNotForUsAsync(DemoSchool.Id, debit.Id, "Frais bancaires de l'école", Manager));
        Assert.Equal(ResolveProblem.UnknownCompartment, await ToResolve.AssignToCompartmentAsync(DemoSchool.Id, byName.Id, Guid.NewGuid(), 1, Manager));
        Assert.Equal(ResolveProblem.UnknownInvoice, await ToResolve.AssignToInvoiceAsync(DemoSchool.Id, byName.Id, invoice.ToString(), Manager));
        Assert.DoesNotContain((await ToResolve.PageAsync(DemoSchool.Id, PageRequest.First)).Rows, m => m.Id == byTypo.Id || m.Id == debit.Id);
        Assert.Null(await ToResolve.FindAsync(DemoSchool.Id, byTypo.Id));
        Assert.Null(await ToResolve.FindAsync(Guid.NewGuid(), byName.Id));
        Assert.Equal(byName.Suggestions, (await ToResolve.FindAsync(DemoSchool.Id, byName.Id))!.Suggestions);
    }

    [Fact]
    public async Task A_written_statement_of_fifty_movements_reads_back_with_its_totals()
    {
        var statements = new Statements();
        var movements = Enumerable.Range(1, 50).Select(i => ($"F{i:D3}", (long)i * 10, $"Paiement {i}")).ToArray();
        var (_, summaries) = StatementFile.Check(() => new MemoryStream(statements.Coda(movements)));
        Assert.Equal(50, summaries.Single().Movements);
        Assert.Equal(Enumerable.Range(1, 50).Sum(i => i * 10L), summaries.Single().CreditsCents);
    }
}