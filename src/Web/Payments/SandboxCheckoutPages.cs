using System.Text;
using ItSchool.Accounts;
using ItSchool.Payments;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Payments;

/// <summary>
/// The sandbox provider's checkout page, served by the app itself but playing the provider's part: it records
/// the outcome in the sandbox's books, reports it through the real webhook over HTTP, then sends the parent
/// back to the school's return page, as a provider's redirect would.
/// </summary>
public static class SandboxCheckoutPages
{
    public static void MapSandboxCheckout(this RouteGroupBuilder school)
    {
        // Only the parent who started the payment, signed in, in demo mode: the page credits a wallet at a click.
        var checkoutPage = school.MapGroup("/paiement-sandbox").RequireAuthorization(nameof(Role.Parent));

        checkoutPage.MapGet("/{id}", async (string id, IPaymentProvider provider, SandboxProvider sandbox, OnlinePayments payments,
            HttpContext context) =>
            await OwnCheckoutAsync(id, provider, sandbox, payments, context) is { } checkout
                ? (IResult)new RazorComponentResult<SandboxCheckoutPage>(new { Checkout = checkout })
                : Results.NotFound());

        checkoutPage.MapPost("/{id}", async (string id, IPaymentProvider provider, SandboxProvider sandbox, OnlinePayments payments,
            HttpContext context, IServer server, IHttpClientFactory clients, ILogger<SandboxProvider> logger, [FromForm] SandboxForm form) =>
        {
            if (await OwnCheckoutAsync(id, provider, sandbox, payments, context) is not { } checkout)
            {
                return Results.NotFound();
            }
            await sandbox.SettleAsync(id, form.Outcome == "pay", form.Method == nameof(PaymentMethod.Card) ? PaymentMethod.Card : PaymentMethod.Bancontact,
                context.RequestAborted);
            var (body, signature) = sandbox.Webhook(id);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(OwnAddress(server), $"api/payments/{SandboxProvider.ProviderName}/webhook"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(SandboxProvider.SignatureHeader, signature);
            try
            {
                using var response = await clients.CreateClient().SendAsync(request, context.RequestAborted);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("The app answered {Status} to the sandbox's webhook for {SandboxPayment}", (int)response.StatusCode, id);
                }
            }
            catch (HttpRequestException e)
            {
                // Like a real provider's, a lost webhook leaves the return page waiting; the parent's money is not at stake.
                logger.LogWarning(e, "The sandbox could not deliver its webhook for {SandboxPayment}", id);
            }
            return Results.Redirect(checkout.ReturnUrl);
        });
    }

    static async Task<SandboxCheckout?> OwnCheckoutAsync(string id, IPaymentProvider provider, SandboxProvider sandbox,
        OnlinePayments payments, HttpContext context)
    {
        var user = SignedInUser.From(context.User);
        if (provider is not SandboxProvider || user is null
            || await payments.FindByProviderIdAsync(id, context.RequestAborted) is not { } payment
            || payment.Provider != SandboxProvider.ProviderName || payment.StartedBy != user.Id || payment.SchoolId != context.School()!.Id)
        {
            return null;
        }
        return await sandbox.FindAsync(id, context.RequestAborted);
    }

    /// <summary>
    /// This node's own listening address, never the request's Host header: a forged host must not make the
    /// server post signed webhooks elsewhere.
    /// </summary>
    static Uri OwnAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.First();
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        uri.Host = uri.Host switch { "0.0.0.0" => "127.0.0.1", "[::]" => "[::1]", var host => host };
        return new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    public sealed class SandboxForm
    {
        public string? Outcome { get; set; }
        public string? Method { get; set; }
    }
}