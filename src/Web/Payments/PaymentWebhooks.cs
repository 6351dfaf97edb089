using ItSchool.Payments;

namespace ItSchool.Web.Payments;

/// <summary>
/// Where providers report payments: outside the school group, since a provider posts without a browser's
/// antiforgery token and without a school in the address. The signature stands in for both, and the school
/// comes from our own payment record, never from the request.
/// </summary>
public static class PaymentWebhooks
{
    public static void MapPaymentWebhooks(this WebApplication app)
    {
        app.MapPost("/api/payments/{provider}/webhook", async (string provider, HttpContext context, OnlineTopUps topUps) =>
        {
            if (provider != topUps.ProviderName)
            {
                return Results.NotFound();
            }
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            // The provider's retries stop on 2xx; 4xx say "not ours / not signed" (the log says which).
            return await topUps.ConfirmAsync(new WebhookRequest(body, headers), context.RequestAborted) switch
            {
                WebhookOutcome.Credited or WebhookOutcome.NothingToCredit or WebhookOutcome.Ignored => Results.Ok(),
                WebhookOutcome.Refused => Results.Unauthorized(),
                _ => Results.BadRequest(),
            };
        }).DisableAntiforgery();
    }
}