using System.Text;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Web;

/// <summary>Every export through the one writer: what a family or a bank typed never runs as a spreadsheet formula.</summary>
public sealed class CsvExportTests(WebNode web) : IClassFixture<WebNode>
{
    const string Formula = "=HYPERLINK(\"http://evil.example\")";
    const string Neutralised = "\"'=HYPERLINK(\"\"http://evil.example\"\")\"";

    [Theory]
    [InlineData("Dubois", "\"Dubois\"")]
    [InlineData(Formula, Neutralised)]
    [InlineData("+32 470", "\"'+32 470\"")]
    [InlineData("-rien", "\"'-rien\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("a;b", "\"a;b\"")]
    [InlineData("-3,50", "-3,50")]
    [InlineData("10,45", "10,45")]
    [InlineData("1234", "1234")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Text_is_quoted_and_neutralised_plain_numbers_stay_numbers(string? value, string cell) =>
        Assert.Equal(cell, CsvExport.Cell(value));

    async Task<string> PupilNamedAsync(string firstName, string lastName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var update = db.CreateCommand("UPDATE pupils SET last_name = @last WHERE first_name = @first RETURNING id");
        update.Parameters.AddWithValue("first", firstName);
        update.Parameters.AddWithValue("last", lastName);
        return (await update.ExecuteScalarAsync())!.ToString()!;
    }

    static async Task<string[]> LinesAsync(HttpClient client, string path)
    {
        var bytes = await client.GetByteArrayAsync(path);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Contains("\r\n", text);
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task The_school_balances_neutralise_a_pupil_named_like_a_formula()
    {
        await PupilNamedAsync("Benoît", Formula);
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var lines = await LinesAsync(manager, "/e/demo/gestion/portefeuilles/soldes.csv");
        var row = Assert.Single(lines, line => line.Contains("HYPERLINK"));
        Assert.Contains($";{Neutralised};\"Benoît\";", row);
        Assert.Matches(@";-?\d+,\d\d$", row);
    }

    [Fact]
    public async Task The_invoice_list_neutralises_a_pupil_and_a_label_that_look_like_formulas()
    {
        await PupilNamedAsync("Lucas", "+Lefèvre");
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await Forms.PostAsync(manager, "/e/demo/gestion/factures/nouvelle", "/e/demo/gestion/factures/nouvelle",
            ("Key", Guid.NewGuid().ToString()), ("ClassName", "4B"), ("Label", "@Sortie"), ("IssuedOn", "2026-11-20"), ("DueOn", "2026-12-20"),
            ("LineLabel", "Place"), ("Quantity", "1"), ("UnitPrice", "12,50"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, created.StatusCode);
        var lines = await LinesAsync(manager, "/e/demo/gestion/factures/export.csv?classe=4B");
        var row = Assert.Single(lines, line => line.Contains("'@Sortie") && line.Contains("Lucas"));
        var cells = row.Split(';');
        Assert.Equal("\"'+Lefèvre Lucas\"", cells[1]);
        Assert.Equal("\"'@Sortie\"", cells[3]);
        Assert.Equal("12,50", cells[6]);
        Assert.StartsWith("\"'+++", cells[11]);
    }

    [Fact]
    public async Task The_operations_neutralise_a_bank_communication_that_looks_like_a_formula()
    {
        var chloe = Guid.Parse(await PupilNamedAsync("Chloé", "Dubois"));
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        await purse.CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, 1_000, MovementKind.BankTopUp, PaymentMethod.BankTransfer,
            LedgerSubject.Verbatim("-2+3+cmd|' /C calc'!A0"), Actor.System));
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var lines = await LinesAsync(marc, "/e/demo/finances/operations.csv?periode=Today");
        Assert.StartsWith("\"ID\";\"Date\";", lines[0]);
        var cells = Assert.Single(lines, line => line.Contains("calc")).Split(';');
        Assert.Equal("\"'-2+3+cmd|' /C calc'!A0\"", cells[3]);
        Assert.Equal("10,00", cells[6]);
        Assert.Matches(@"^\d+$", cells[0]);
    }
}