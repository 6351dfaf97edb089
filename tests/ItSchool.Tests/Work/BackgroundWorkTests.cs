using System.Net;
using ItSchool.BankStatements;
using ItSchool.Live;
using ItSchool.Schools;
using ItSchool.Tests.BankStatements;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.BankStatements;
using ItSchool.Web.Invoices;
using ItSchool.Web.Meetings;
using ItSchool.Web.Work;
using ItSchool.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.Work;

public sealed class BackgroundWorkTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    WorkItems Items => web.Services.GetRequiredService<WorkItems>();

    [Fact]
    public async Task A_bank_file_left_half_applied_by_a_node_that_died_is_finished_by_another_and_credits_each_movement_once()
    {
        var imports = web.Services.GetRequiredService<BankImports>();
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît");
        var before = await Statements.BalanceAsync(web, "Benoît");
        var file = statements.Coda([("W1", 2_500, benoit.ToString()), ("W2", 700, benoit.ToString())]);
        var importId = await imports.UploadAsync(DemoSchool.Id, "octobre.cod", file, "Claire Dupont");
        // The node recorded the file, credited nothing, and died.
        await imports.ApplyUntilRecordedAsync(DemoSchool.Id, importId, new Actor(ActorKind.User, "claire", "Claire Dupont"));
        var id = await QueueHeldAsync(BankImportWork.Name, new BankImportWork.Arguments([importId], "claire", "Claire Dupont"), Guid.NewGuid(),
            until: "now() - interval '1 second'");
        Assert.Equal(before, await Statements.BalanceAsync(web, "Benoît"));

        await web.Services.GetRequiredService<BackgroundWork>().StartAndWaitAsync(id, TimeSpan.Zero, CancellationToken.None);
        await Eventually.TrueAsync(async () => (await Items.FindAsync(DemoSchool.Id, id))!.IsOver);

        var item = (await Items.FindAsync(DemoSchool.Id, id))!;
        Assert.Equal((WorkStatus.Done, 2, 2, 2), (item.Status, item.Attempts, item.Done, item.Total));
        Assert.Equal(before + 3_200, await Statements.BalanceAsync(web, "Benoît"));
        var report = (await imports.FindAsync(DemoSchool.Id, importId))!;
        Assert.Equal((2, 3_200L), (report.Credited, report.CreditedCents));

        // The manager who left the progress page finds it sending them to the report.
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = await manager.GetAsync($"/e/demo/gestion/travaux/{id}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"/e/demo/gestion/releves/rapport?id={importId}", page.Headers.Location!.ToString());
        Assert.Contains("2 portefeuille(s) crédité(s) (32,00 €)", WebUtility.HtmlDecode(await manager.GetStringAsync(page.Headers.Location)));

        // Applied again from its preview (a reload of the old page): nothing moves twice.
        await imports.ApplyAsync(DemoSchool.Id, importId, new Actor(ActorKind.User, "claire", "Claire Dupont"));
        Assert.Equal(before + 3_200, await Statements.BalanceAsync(web, "Benoît"));
    }

    [Fact]
    public async Task Invoices_for_more_pupils_than_a_class_are_issued_as_background_work_once_however_often_the_form_is_sent()
    {
        var className = $"W{Guid.NewGuid().ToString("N")[..5]}";
        for (var i = 0; i < NewInvoicesWork.InlineAtMost + 5; i++)
        {
            await TestPupils.AddAsync(web, $"Élève{i:00}", "Travail", className);
        }
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        (string, string)[] form =
        [
            ("Key", Guid.NewGuid().ToString()), ("ClassName", className), ("Label", "Excursion de fin d'année"), ("IssuedOn", "2026-11-20"),
            ("DueOn", "2026-12-20"), ("LineLabel", "Car"), ("Quantity", "1"), ("UnitPrice", "9"),
        ];
        var first = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle", form);
        var second = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle", form);
        Assert.Equal(first.Headers.Location, second.Headers.Location);

        var (_, list) = await WorkResults.FollowAsync(manager, first);
        Assert.Contains("35 facture(s) émise(s).", list);
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM invoices WHERE label = 'Excursion de fin d''année'");
        Assert.Equal(35L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_bank_statements_page_points_to_the_files_still_being_applied()
    {
        var id = await QueueHeldAsync(BankImportWork.Name, new BankImportWork.Arguments([Guid.NewGuid()], "claire", "Claire Dupont"), Guid.NewGuid(),
            until: "now() + interval '10 minutes'");
        var page = await chromium.SignInAsync(web, "claire.dupont");
        await page.WaitForDashboardAsync();
        await page.GotoAsync(new Uri(web.DemoSchool, "gestion/releves").ToString());
        var notice = page.Locator($"[data-work='{id}']");
        await Assertions.Expect(notice).ToContainTextAsync("sont en cours d'application");
        await Screens.SaveAsync(page, "bank-statements-under-way");
        await notice.GetByRole(AriaRole.Link, new() { Name = "Voir l'avancement" }).ClickAsync();
        await page.WaitForAsync($"**/gestion/travaux/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Application des relevés bancaires" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_work_item_is_its_school_managers_only()
    {
        var id = await QueueHeldAsync(GroupedInvoicesWork.Name, Arguments(), Guid.NewGuid(), until: "now() + interval '10 minutes'");
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/e/demo/gestion/travaux/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/travaux/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/travaux/{Guid.NewGuid()}/etat")).StatusCode);
        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/e/demo/gestion/travaux/{id}")).StatusCode);
        // Another school's manager asking for this school's item by its id gets nothing: the item is looked up in their school.
        Assert.Null(await Items.FindAsync(Guid.NewGuid(), id));
    }

    [Fact]
    public async Task The_progress_page_fills_as_the_work_reports_and_goes_on_to_the_result_once_it_is_over()
    {
        // Held by another node, which reports as it goes.
        var node = Guid.NewGuid();
        var id = await QueueHeldAsync(GroupedInvoicesWork.Name, Arguments(), node, until: "now() + interval '10 minutes'");
        await Items.ReportAsync(id, node, 3, 10);

        var page = await chromium.SignInAsync(web, "claire.dupont");
        await page.WaitForDashboardAsync();
        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/travaux/{id}").ToString());
        var status = page.Locator("#work-progress [role=status]");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Facturation groupée" })).ToBeVisibleAsync();
        await Assertions.Expect(status).ToHaveTextAsync("3 élève(s) facturé(s) sur 10");
        await Assertions.Expect(page.Locator(".work-percent")).ToHaveTextAsync("30 %");
        await Screens.SaveAsync(page, "work-progress");

        Publish(id, await Items.ReportAsync(id, node, 7, 10));
        await Assertions.Expect(status).ToHaveTextAsync("7 élève(s) facturé(s) sur 10");
        await Assertions.Expect(page.Locator(".work-percent")).ToHaveTextAsync("70 %");

        Publish(id, await Items.FinishAsync(id, node, new WorkOutcome("gestion/factures", "factures-emises", 10)));
        await page.WaitForAsync("**/gestion/factures?ok=factures-emises&n=10");
        await Assertions.Expect(page.GetByText("10 facture(s) émise(s).")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_step_runs_once_in_the_transaction_that_counts_it_and_never_for_a_node_that_lost_the_lease()
    {
        var node = Guid.NewGuid();
        var id = await QueueHeldAsync(EveningMailsWork.Name, new { }, node, until: "now() + interval '10 minutes'");
        var ran = 0;
        Task Step(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            ran++;
            return Task.CompletedTask;
        }

        Assert.True((await Items.StepAsync(id, node, 0, Step)).Ran);
        // Taken up again from the start: the step is done already.
        Assert.False((await Items.StepAsync(id, node, 0, Step)).Ran);
        // A step that fails takes its count with it: the next attempt runs it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Items.StepAsync(id, node, 1, (_, _) => throw new InvalidOperationException()));
        Assert.Equal(1, (await Items.FindAsync(DemoSchool.Id, id))!.Done);
        // A node frozen past its lease does nothing more.
        var other = Guid.NewGuid();
        Assert.False((await Items.StepAsync(id, other, 1, Step)).Ran);
        await Assert.ThrowsAsync<WorkLeaseLostException>(() => Items.ReportAsync(id, other, 2, 2));
        Assert.Equal(1, ran);
    }

    [Fact]
    public async Task Work_that_keeps_failing_is_given_up_and_its_page_says_so()
    {
        var node = Guid.NewGuid();
        var id = await QueueHeldAsync(GroupedInvoicesWork.Name, Arguments(), node, until: "now() + interval '10 minutes'");
        for (var attempt = 1; attempt < WorkItems.MaxAttempts; attempt++)
        {
            await Items.ReleaseAfterFailureAsync(id, node, TimeSpan.FromMinutes(10));
            Assert.Equal(WorkStatus.Running, (await Items.FindAsync(DemoSchool.Id, id))!.Status);
            await RetakeAsync(id, node);
        }
        await Items.ReleaseAfterFailureAsync(id, node, TimeSpan.FromMinutes(10));
        Assert.Equal(WorkStatus.Failed, (await Items.FindAsync(DemoSchool.Id, id))!.Status);
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Contains("Ce travail n'a pas pu aboutir après 5 essais.", WebUtility.HtmlDecode(await manager.GetStringAsync($"/e/demo/gestion/travaux/{id}")));
    }

    /// <summary>The next attempt of the same node, as a claim counts it.</summary>
    async Task RetakeAsync(Guid id, Guid node)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("UPDATE work_items SET attempts = attempts + 1, leased_by = @node WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        await command.ExecuteNonQueryAsync();
    }

    static GroupedInvoicesWork.Arguments Arguments() =>
        new("k", "Repas d'octobre", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 30),
            "claire", "Claire Dupont");

    void Publish(Guid id, long version) => web.Services.GetRequiredService<IGrainFactory>().Publish(new WorkChanged(DemoSchool.Id, id, version));

    /// <summary>
    /// An item as a node holds it: running, under that node's lease until the given moment (past: the node died). Queued
    /// and held in one transaction, so this node's own job never sees it queued.
    /// </summary>
    async Task<Guid> QueueHeldAsync(string kind, object arguments, Guid node, string until)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await Items.QueueAsync(connection, transaction, DemoSchool.Id, kind, Guid.NewGuid().ToString(), arguments, "Claire Dupont");
        await using var command = new NpgsqlCommand(
            $"UPDATE work_items SET status = 'running', leased_by = @node, lease_until = {until}, attempts = 1 WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        await transaction.CommitAsync();
        return id;
    }
}