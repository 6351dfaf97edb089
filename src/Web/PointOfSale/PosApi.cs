using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// The terminals' HTTP API, version 1. A terminal authenticates with its key (Bearer), names each sale with
/// its own id (Idempotency-Key), and gets an answer it can act on: 201 with the new balance, or an RFC 7807
/// problem whose <c>code</c> says why (402 insufficient_funds, 404 unknown_card, 422 invalid_lines or
/// article_withdrawn, 409 idempotency_key_reused, …). The same sale id with the same body always gets the first answer.
/// </summary>
public static class PosApi
{
    public static void AddPointOfSale(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Terminals>();
        builder.Services.AddSingleton<Catalogue>();
        builder.Services.AddSingleton<PosSales>();
        builder.Services.AddSingleton<SalePosting>();
        builder.Services.AddSingleton<SaleLookup>();
        builder.Services.AddSingleton<Cards>();
        builder.AddApiKeyScheme<TerminalKeys>(TerminalKeys.SchemeName);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Till.Policy, policy => policy.RequireRole(nameof(Role.Canteen), nameof(Role.Manager)));
        // The terminals' API is described at /openapi/pos-v1.json for terminal vendors.
        builder.Services.AddOpenApi("pos-v1", options => options.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/pos/v1", StringComparison.Ordinal) == true);
    }

    public static RouteGroupBuilder MapPosApiV1(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup("/api/pos/v1").RequireAuthorization(TerminalKeys.SchemeName).DisableAntiforgery().RequireModule(SchoolModule.PointOfSale)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/sales", PostSaleAsync)
            .Accepts<SaleRequest>("application/json")
            .Produces<SaleAccepted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Post a sale: the Idempotency-Key header carries the terminal's own sale id.");
        api.MapPost("/sales/{saleId:guid}/void", VoidSaleAsync)
            .Produces<SaleVoided>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Void a sale of this terminal, the same day, by a new opposite entry.");
        api.MapGet("/cards/{uid}", GetCardAsync)
            .Produces<CardInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The card holder's first name and balance, for the cashier.");
        return api;
    }

    static Terminal Caller(HttpContext context) => context.ApiCaller<Terminal>();

    /// <summary>A sale is a few hundred bytes: a terminal sending more is broken, or not a terminal.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    static async Task<IResult> PostSaleAsync(HttpContext context, SalePosting posting, IStringLocalizer<PosText> P)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge(P);
        }
        using var body = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return TooLarge(P);
            }
            body.Write(buffer, 0, read);
        }
        var (status, json) = await posting.PostAsync(Caller(context), context.Request.Headers["Idempotency-Key"].ToString(), body.ToArray(),
            context.RequestAborted);
        return Results.Content(json, status == 201 ? "application/json" : "application/problem+json", statusCode: status);
    }

    static async Task<IResult> VoidSaleAsync(Guid saleId, HttpContext context, SalePosting posting)
    {
        var (status, json) = await posting.VoidAsync(Caller(context), saleId, context.RequestAborted);
        return Results.Content(json, status == 200 ? "application/json" : "application/problem+json", statusCode: status);
    }

    static async Task<IResult> GetCardAsync(string uid, HttpContext context, Catalogue catalogue, IGrainFactory grains, IStringLocalizer<PosText> P)
    {
        var terminal = Caller(context);
        if (await catalogue.CardHolderAsync(terminal.SchoolId, uid, context.RequestAborted) is not { } holder)
        {
            return Problems.Problem(StatusCodes.Status404NotFound, "unknown_card", P["Api.UnknownCard"]);
        }
        var compartment = (await grains.GetGrain<IPurseGrain>(holder.PupilId).GetCompartmentsAsync())
            .Single(c => c.Compartment == terminal.Compartment);
        return TypedResults.Ok(new CardInfo(holder.FirstName, compartment.BalanceCents, compartment.BalanceCents - compartment.FloorCents));
    }

    static IResult TooLarge(IStringLocalizer<PosText> P) =>
        Problems.Problem(StatusCodes.Status413PayloadTooLarge, "body_too_large", P["Api.BodyTooLarge", MaxBodyBytes / 1024]);
}

public sealed record SaleRequest(string? CardUid, IReadOnlyList<SaleLineRequest>? Lines);

public sealed record SaleLineRequest(string? ArticleCode, int Quantity, long? UnitPriceCents);

public sealed record SaleAccepted(Guid SaleId, long AmountCents, long BalanceCents, string FirstName, long EntryId);

public sealed record SaleVoided(Guid SaleId, long RefundedCents, long BalanceCents);

public sealed record CardInfo(string FirstName, long BalanceCents, long AvailableCents);