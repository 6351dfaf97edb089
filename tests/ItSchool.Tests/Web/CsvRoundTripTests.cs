using System.Text;
using ItSchool.Platform;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.Http;

namespace ItSchool.Tests.Web;

/// <summary>What the one CSV writer exports, the one CSV reader reads back cell for cell.</summary>
public sealed class CsvRoundTripTests
{
    [Fact]
    public async Task An_export_reads_back_with_its_separators_quotes_line_breaks_accents_and_amounts()
    {
        string?[][] rows =
        [
            ["Nom", "Remarque", "Montant"],
            ["Geneviève Lefèvre", "a;b, c", CsvExport.Amount(-350)],
            ["D'Hondt", "dit \"bonjour\"\r\net s'en va", CsvExport.Amount(104_500)],
            ["=HYPERLINK(\"x\")", "", "1234"],
        ];
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await using (var csv = CsvExport.Start(context.Response, "essai.csv"))
        {
            foreach (var row in rows)
            {
                await csv.RowAsync(row);
            }
        }

        var bytes = body.ToArray();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = CsvText.Decode(bytes);
        Assert.NotNull(text);
        var (records, unclosed) = CsvText.Read(text);
        Assert.Null(unclosed);
        Assert.Equal(
            [
                ["Nom", "Remarque", "Montant"],
                ["Geneviève Lefèvre", "a;b, c", "-3,50"],
                ["D'Hondt", "dit \"bonjour\"\r\net s'en va", "1045,00"],
                // The writer's guard against formulas stays visible: the reader gets what Excel shows.
                ["'=HYPERLINK(\"x\")", "", "1234"],
            ],
            records.Select(r => r.Fields.ToArray()));
        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line));
    }
}