using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.PointOfSale;

/// <summary>Requests to the terminals' API as a terminal sends them: its key, a sale under its own sale id, the sale's JSON.</summary>
public static class PosRequests
{
    public static HttpClient Terminal(WebNode node, string key = DemoPos.CanteenKey)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static HttpRequestMessage Sale(string saleId, string json) => new(HttpMethod.Post, "/api/pos/v1/sales")
    {
        Headers = { { "Idempotency-Key", saleId } },
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    public static string Body(string card, params (string Code, int Quantity)[] lines) =>
        JsonSerializer.Serialize(new { cardUid = card, lines = lines.Select(l => new { articleCode = l.Code, quantity = l.Quantity }) });
}