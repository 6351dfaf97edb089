using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Payments;

/// <summary>A signed-in parent's steps through the top-up, over HTTP as htmx and the sandbox page send them.</summary>
public static partial class TopUpClient
{
    [GeneratedRegex("name=\"Key\" value=\"([^\"]+)\"")]
    private static partial Regex KeyField();

    public sealed record Dialog(string Key, string Token);

    public static async Task<Dialog> OpenDialogAsync(HttpClient parent, int compartment = 1)
    {
        var html = await parent.GetStringAsync($"/e/demo/portefeuille/{compartment}/paiement-en-ligne");
        return new Dialog(KeyField().Match(html).Groups[1].Value, Forms.AntiforgeryToken(html));
    }

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient parent, Dialog dialog, string amount, int compartment = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/e/demo/portefeuille/paiement-en-ligne")
        {
            Content = new FormUrlEncodedContent([new("Key", dialog.Key), new("Compartment", compartment.ToString()), new("Amount", amount), new("__RequestVerificationToken", dialog.Token)]),
        };
        request.Headers.Add("HX-Request", "true");
        return await parent.SendAsync(request);
    }

    /// <summary>Starts a payment and returns the provider's checkout address htmx is told to go to.</summary>
    public static async Task<Uri> StartAsync(HttpClient parent, string amount)
    {
        var response = await SubmitAsync(parent, await OpenDialogAsync(parent), amount);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return new Uri(response.Headers.GetValues("HX-Redirect").Single());
    }

    public static string SandboxId(Uri checkout) => checkout.Segments[^1];

    /// <summary>Clicks "Payer" or "Simuler un échec" on the sandbox page; returns where the provider sends the parent back.</summary>
    public static async Task<Uri> AnswerSandboxAsync(HttpClient parent, Uri checkout, string outcome, string method = "Bancontact")
    {
        var response = await Forms.PostAsync(parent, checkout.PathAndQuery, checkout.PathAndQuery, ("Outcome", outcome), ("Method", method));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }
}