using ItSchool.BankStatements;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.BankStatements;

/// <summary>
/// An import whose client leaves before the recording committed is abandoned (nothing recorded, the history
/// says so, the same file imports normally afterwards); a preview left alone expires instead of waiting forever.
/// This class has its own node: it moves the clock.
/// </summary>
public sealed class BankImportAbandonTests(WebNode web) : IClassFixture<WebNode>
{
    static readonly Actor Manager = new(ActorKind.User, "test", "Claire Dupont");

    BankImports Imports => web.Services.GetRequiredService<BankImports>();

    async Task<long> StatementsOfAsync(string account)
    {
        await using var count = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT count(*) FROM bank_statements WHERE account = @account");
        count.Parameters.AddWithValue("account", account);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_client_leaving_during_the_recording_leaves_nothing_recorded_and_the_import_abandoned()
    {
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît");
        var before = await Statements.BalanceAsync(web, "Benoît");
        var file = statements.Coda([("C1", 1_200, benoit.ToString())]);
        var name = $"interrompu-{Guid.NewGuid():N}.cod";
        using var client = new CancellationTokenSource();
        var opened = 0;
        // The third opening is the recording pass (after the format detection and the checking pass): the client leaves then.
        Stream Open()
        {
            if (++opened == 3)
            {
                client.Cancel();
            }
            return new MemoryStream(file);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Imports.ImportAsync(DemoSchool.Id, name, Open, Manager, client.Token));

        Assert.Equal(3, opened);
        var abandoned = (await Imports.HistoryAsync(DemoSchool.Id)).Single(r => r.FileName == name);
        Assert.Equal(ImportStatus.Rejected, abandoned.Status);
        Assert.Equal(BankImports.AbandonedImport, abandoned.Problem);
        Assert.Equal("connexion interrompue : rien n'a été enregistré ; envoyez à nouveau le fichier", BankFrench.Text(abandoned.Problem));
        Assert.Equal(0, await StatementsOfAsync(statements.Account));
        Assert.Equal(before, await Statements.BalanceAsync(web, "Benoît"));

        var again = await Imports.ImportAsync(DemoSchool.Id, name, () => new MemoryStream(file), Manager);
        Assert.Equal(ImportStatus.Applied, again.Status);
        Assert.Equal(1, again.Credited);
        Assert.Equal(before + 1_200, await Statements.BalanceAsync(web, "Benoît"));
    }

    [Fact]
    public async Task A_preview_left_alone_expires_at_the_next_import_and_cannot_be_applied_after()
    {
        var statements = new Statements();
        var benoit = await Statements.CommunicationAsync(web, "Benoît");
        var forgotten = await Imports.UploadAsync(DemoSchool.Id, "oublie.cod", statements.Coda([("E1", 500, benoit.ToString())]), "Claire Dupont");
        Assert.Equal(ImportStatus.Previewed, (await Imports.FindAsync(DemoSchool.Id, forgotten))!.Status);

        web.Clock.Advance(BankImports.PreviewLifetime + TimeSpan.FromMinutes(1));
        statements.Rewind(0, 0);
        var next = await Imports.UploadAsync(DemoSchool.Id, "suivant.cod", statements.Coda([("E1", 500, benoit.ToString())]), "Claire Dupont");

        var expired = (await Imports.FindAsync(DemoSchool.Id, forgotten))!;
        Assert.Equal(ImportStatus.Rejected, expired.Status);
        Assert.Equal(BankImports.AbandonedPreview, expired.Problem);
        var before = await Statements.BalanceAsync(web, "Benoît");
        Assert.Equal(ImportStatus.Rejected, (await Imports.ApplyAsync(DemoSchool.Id, forgotten, Manager))!.Status);
        Assert.Equal(before, await Statements.BalanceAsync(web, "Benoît"));

        // The fresh preview of the same statement is not confused by the forgotten one.
        var applied = (await Imports.ApplyAsync(DemoSchool.Id, next, Manager))!;
        Assert.Equal(ImportStatus.Applied, applied.Status);
        Assert.Equal(before + 500, await Statements.BalanceAsync(web, "Benoît"));
    }
}