using System.Text.Json;
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
/// problem whose <c>code</c> says why (402 insufficient_funds or limit_exceeded, 403 article_not_allowed, 404 unknown_card, 422 invalid_lines or
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
        builder.Services.AddSingleton<PosSnapshots>();
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
        // The key may have been found in this node's memory (Terminals.AuthenticateAsync): every call confirms its terminal
        // is still live before acting, a sale in its own lookup's round trip, any other call here.
        api.AddEndpointFilter(async (context, next) =>
            context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ConfirmsItsTerminal>() is not null
            || await context.HttpContext.RequestServices.GetRequiredService<Terminals>().IsLiveAsync(Caller(context.HttpContext), context.HttpContext.RequestAborted)
                ? await next(context)
                : Problems.Problem(PosProblem.InvalidKey.Status, PosProblem.InvalidKey.Code,
                    PosAnswers.Title(PosProblem.InvalidKey, context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<PosText>>())));
        api.MapPost("/sales", PostSaleAsync)
            .WithMetadata(new ConfirmsItsTerminal())
            .Accepts<SaleRequest>("application/json")
            .Produces<SaleAccepted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status403Forbidden)
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

    // A key given twice ("cardUid" of one pupil, then of another) is no sale: which one counts is not ours to guess.
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

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
        var saleId = context.Request.Headers["Idempotency-Key"].ToString();
        var outcome = Read(body.ToArray()) is { } request
            ? await posting.PostAsync(Caller(context), saleId, request, context.RequestAborted)
            : await posting.RefuseUnreadableAsync(Caller(context), saleId, context.RequestAborted);
        return PosAnswers.Http(outcome, StatusCodes.Status201Created, P);
    }

    static SaleRequest? Read(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<SaleRequest>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static async Task<IResult> VoidSaleAsync(Guid saleId, HttpContext context, SalePosting posting, IStringLocalizer<PosText> P) =>
        PosAnswers.Http(await posting.VoidAsync(Caller(context), saleId, context.RequestAborted), StatusCodes.Status200OK, P);

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

public sealed record CardInfo(string FirstName, long BalanceCents, long AvailableCents);

/// <summary>Marks an endpoint that confirms its terminal is live in its own round trip (the sale's lookup), not in a query of its own.</summary>
sealed record ConfirmsItsTerminal;