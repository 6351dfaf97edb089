using System.Globalization;
using System.Net;
using System.Text;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Platform;

/// <summary>
/// A school's server may run in UTC, in Brussels or anywhere else: the demo seeds, and every money movement
/// shows the same Brussels wall-clock time, on the page and in the export.
/// </summary>
public sealed class ServerZoneTests
{
    [Fact]
    public async Task Servers_in_UTC_and_in_Tokyo_seed_the_demo_and_show_every_movement_in_Brussels_time()
    {
        var nodes = await Task.WhenAll(
            WebProcess.StartAsync(new Dictionary<string, string> { ["TZ"] = "UTC" }),
            WebProcess.StartAsync(new Dictionary<string, string> { ["TZ"] = "Asia/Tokyo" }));
        try
        {
            foreach (var node in nodes)
            {
                await ShowsBrusselsTimesAsync(node);
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    static async Task ShowsBrusselsTimesAsync(WebProcess node)
    {
        using var marc = node.CreateClient();
        var signIn = await Forms.PostAsync(marc, "/e/demo/connexion", "/e/demo/connexion", ("Login", "marc.dubois"), ("Password", DemoSchool.Password));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var bytes = await marc.GetByteArrayAsync("/e/demo/finances/operations.csv?periode=SchoolYear");
        var rows = Encoding.UTF8.GetString(bytes[3..]).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(line => line.Split(';').Select(cell => cell.Trim('"')).ToArray()).ToList();
        Assert.True(rows.Count > 10, $"The demo seeded {rows.Count} movements for Marc's child");
        var shown = rows.ToDictionary(r => long.Parse(r[0], CultureInfo.InvariantCulture), r => r[1]);

        var stored = await OccurredAtAsync(node.ConnectionString, shown.Keys);
        foreach (var (id, at) in stored)
        {
            Assert.Equal(Brussels(at), shown[id]);
        }

        var newest = stored.MaxBy(s => s.Value).Value;
        Assert.Contains($">{Brussels(newest)}<", await marc.GetStringAsync("/e/demo/finances/operations?periode=SchoolYear"));
        Assert.Contains($">{Brussels(newest)}<", await marc.GetStringAsync("/e/demo/tableau-de-bord"));
    }

    static string Brussels(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels")).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    static async Task<Dictionary<long, DateTime>> OccurredAtAsync(string connectionString, IEnumerable<long> ids)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT id, occurred_at FROM ledger_entries WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<long, DateTime>();
        while (await reader.ReadAsync())
        {
            stored[reader.GetInt64(0)] = reader.GetFieldValue<DateTime>(1);
        }
        return stored;
    }
}