using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Schools;
using ItSchool.Tests.PointOfSale;

namespace ItSchool.Tests.Platform;

/// <summary>
/// Every line a request causes carries its request id and school, including the lines written inside the grains it
/// calls: the purse's ledger insert, logged by Npgsql on the silo, names the sale's request and the terminal's school.
/// </summary>
public sealed class RequestLogScopeTests(LogCapturingNode web) : IClassFixture<LogCapturingNode>
{
    [Fact]
    public async Task The_ledger_insert_of_a_terminal_sale_is_logged_under_the_sale_request_and_its_school()
    {
        var before = web.Capture.Lines.Count;
        using var terminal = PosRequests.Terminal(web);
        var sale = await terminal.SendAsync(PosRequests.Sale($"scope/{Guid.NewGuid():N}", PosRequests.Body("04A1B2C3D4E504", ("POMME", 1))));
        Assert.Equal(HttpStatusCode.Created, sale.StatusCode);

        var lines = web.Capture.Lines.Skip(before).ToList();
        var requests = lines.Where(line => line.Everything.Contains("RequestPath=/api/pos/v1/sales"))
            .Select(line => Regex.Match(line.Everything, @"RequestId=(\S+)").Groups[1].Value).Where(id => id.Length > 0).ToHashSet();
        Assert.NotEmpty(requests);
        var inserts = lines.Where(line => line.Category.StartsWith("Npgsql") && line.Message.Contains("INSERT INTO ledger_entries")).ToList();
        Assert.NotEmpty(inserts);
        Assert.Contains(inserts, line => line.Everything.Contains($"SchoolId={DemoSchool.Id}")
            && requests.Contains(Regex.Match(line.Everything, @"RequestId=(\S+)").Groups[1].Value));
    }
}