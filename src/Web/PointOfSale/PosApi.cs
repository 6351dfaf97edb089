using System.Security.Cryptography;
using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// The terminals' HTTP API, version 1. A terminal authenticates with its key (Bearer), names each sale with
/// its own id (Idempotency-Key), and gets an answer it can act on: 201 with the new balance, or an RFC 7807
/// problem whose <c>code</c> says why (402 insufficient_funds, 404 unknown_card, 422 invalid_lines,
/// 409 idempotency_key_reused, …). The same sale id with the same body always gets the first answer.
/// </summary>
public static class PosApi
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void AddPointOfSale(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Terminals>();
        builder.Services.AddSingleton<Catalogue>();
        builder.Services.AddSingleton<PosSales>();
        // The terminals' API is described at /openapi/pos-v1.json for terminal vendors.
        builder.Services.AddOpenApi("pos-v1", options => options.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/pos/v1", StringComparison.Ordinal) == true);
    }

    public static RouteGroupBuilder MapPosApiV1(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup("/api/pos/v1").AddEndpointFilter(AuthenticateTerminalAsync).DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/sales", PostSaleAsync)
            .Accepts<SaleRequest>("application/json")
            .Produces<SaleAccepted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
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

    sealed record TerminalFeature(Terminal Terminal);

    static Terminal Caller(HttpContext context) => context.Features.Get<TerminalFeature>()!.Terminal;

    /// <summary>The key decides the school: it opens nothing under another school's address.</summary>
    static async ValueTask<object?> AuthenticateTerminalAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        var terminal = await http.RequestServices.GetRequiredService<Terminals>().AuthenticateAsync(key, http.RequestAborted);
        if (terminal is null || (http.School() is { } school && school.Id != terminal.SchoolId))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "invalid_key", "Clé de terminal inconnue ou révoquée.");
        }
        http.Features.Set(new TerminalFeature(terminal));
        return await next(context);
    }

    static async Task<IResult> PostSaleAsync(HttpContext context, Catalogue catalogue, PosSales sales, IGrainFactory grains,
        TimeProvider clock, ILoggerFactory loggers)
    {
        var terminal = Caller(context);
        var key = context.Request.Headers["Idempotency-Key"].ToString().Trim();
        if (key.Length is 0 or > 100)
        {
            return Problem(StatusCodes.Status400BadRequest, "idempotency_key_required",
                "Chaque vente porte l'identifiant du terminal dans l'en-tête Idempotency-Key (1 à 100 caractères).");
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var hash = SHA256.HashData(body.ToArray());

        if (await sales.FindAnswerAsync(terminal.Id, key, context.RequestAborted) is { } earlier)
        {
            return Replay(earlier, hash);
        }

        SaleRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SaleRequest>(body.ToArray(), Json);
        }
        catch (JsonException)
        {
            request = null;
        }
        if (request is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "malformed_json", "Le corps de la requête n'est pas un JSON de vente valable.");
        }

        var now = clock.GetUtcNow();
        var saleId = Guid.CreateVersion7();
        var (lines, problem) = await PriceAsync(terminal, request, catalogue, context.RequestAborted);
        if (problem is not null)
        {
            return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, 422, problem, null, null, null, null, now));
        }
        if (string.IsNullOrWhiteSpace(request.CardUid)
            || await catalogue.CardHolderAsync(terminal.SchoolId, request.CardUid, context.RequestAborted) is not { } holder)
        {
            return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, 404,
                ProblemJson(404, "unknown_card", "Carte inconnue ou désactivée."), null, null, null, null, now));
        }

        var priced = lines!;
        var amount = priced.Sum(l => l.TotalCents);
        var result = await grains.GetGrain<IPurseGrain>(holder.PupilId).DebitAsync(new Debit(
            $"pos/{terminal.Id}/{key}", terminal.Compartment, amount, MovementKind.Sale, PaymentMethod.Wallet, Subject(priced),
            new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name)));
        var linesJson = JsonSerializer.Serialize(priced, Json);
        if (!result.Accepted)
        {
            var (status, code, title) = result.Reason == DeclineReason.InsufficientFunds
                ? (402, "insufficient_funds", $"Solde insuffisant : {Money.Format(result.AvailableCents ?? 0)} disponible.")
                : (422, "declined", $"Vente refusée ({result.Reason}).");
            return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, status,
                ProblemJson(status, code, title, ("availableCents", result.AvailableCents), ("firstName", holder.FirstName)),
                holder.PupilId, amount, linesJson, null, now));
        }
        var accepted = new SaleAccepted(saleId, amount, result.BalancesAfter.Single().BalanceCents, holder.FirstName, result.EntryIds[0]);
        return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, 201,
            JsonSerializer.Serialize(accepted, Json), holder.PupilId, amount, linesJson, result.EntryIds[0], now));

        async Task<IResult> RecordAsync(SaleRecord sale)
        {
            // A concurrent request with the same sale id may have recorded its answer first: both return that one.
            var stored = await sales.RecordAsync(sale, context.RequestAborted);
            if (stored.SaleId != sale.Id)
            {
                loggers.CreateLogger("ItSchool.PointOfSale").LogInformation(
                    "Terminal {Terminal} sale {Key} answered twice at once; the first answer stands", terminal.Name, key);
            }
            return Replay(stored, hash);
        }
    }

    static async Task<(IReadOnlyList<PricedLine>? Lines, string? Problem)> PriceAsync(Terminal terminal, SaleRequest request, Catalogue catalogue,
        CancellationToken cancellationToken)
    {
        if (request.Lines is not { Count: > 0 and <= 50 } lines)
        {
            return (null, ProblemJson(422, "invalid_lines", "Une vente compte de 1 à 50 lignes."));
        }
        var articles = await catalogue.ArticlesAsync(terminal.SchoolId, lines.Select(l => l.ArticleCode ?? ""), cancellationToken);
        var priced = new List<PricedLine>();
        foreach (var (line, index) in lines.Select((l, i) => (l, i + 1)))
        {
            if (line.ArticleCode is null || !articles.TryGetValue(line.ArticleCode, out var article))
            {
                return (null, ProblemJson(422, "unknown_article", $"Ligne {index} : article « {line.ArticleCode} » inconnu."));
            }
            if (line.Quantity is < 1 or > 1000)
            {
                return (null, ProblemJson(422, "invalid_quantity", $"Ligne {index} : la quantité doit être comprise entre 1 et 1000."));
            }
            var unit = article.PriceCents;
            if (line.UnitPriceCents is { } sent)
            {
                if (!article.OpenPrice || sent is < 1 or > 100_000)
                {
                    return (null, ProblemJson(422, "price_not_allowed", $"Ligne {index} : le prix de « {article.Label} » est fixé par l'école."));
                }
                unit = sent;
            }
            else if (article.OpenPrice)
            {
                return (null, ProblemJson(422, "price_required", $"Ligne {index} : « {article.Label} » demande un prix (unitPriceCents)."));
            }
            priced.Add(new PricedLine(article.Code, article.Label, line.Quantity, unit, unit * line.Quantity));
        }
        return priced.Sum(l => l.TotalCents) > 0
            ? (priced, null)
            : (null, ProblemJson(422, "invalid_lines", "Le montant de la vente doit être positif."));
    }

    static string Subject(IReadOnlyList<PricedLine> lines)
    {
        var subject = "Vente " + string.Join(", ", lines.Select(l => l.Quantity == 1 ? l.Label : $"{l.Label} ×{l.Quantity}"));
        return subject.Length > 200 ? subject[..199] + "…" : subject;
    }

    static async Task<IResult> VoidSaleAsync(Guid saleId, HttpContext context, PosSales sales, IGrainFactory grains, TimeProvider clock)
    {
        var terminal = Caller(context);
        if (await sales.FindSoldAsync(terminal.Id, saleId, context.RequestAborted) is not { } sale)
        {
            return Problem(404, "unknown_sale", "Vente inconnue pour ce terminal.");
        }
        var now = clock.GetUtcNow();
        if (sale.VoidedAt is null && Periods.DayOf(sale.CreatedAt) != Periods.DayOf(now))
        {
            return Problem(422, "too_late", "Une vente ne peut être annulée que le jour même.");
        }
        var lines = JsonSerializer.Deserialize<List<PricedLine>>(sale.LinesJson, Json)!;
        var result = await grains.GetGrain<IPurseGrain>(sale.PupilId).CreditAsync(new Credit(
            $"pos-void/{sale.Id}", terminal.Compartment, sale.AmountCents, MovementKind.Cancellation, PaymentMethod.Wallet,
            "Annulation : " + Subject(lines)[("Vente ".Length)..], new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name)));
        if (!result.Accepted)
        {
            return Problem(422, "declined", $"Annulation refusée ({result.Reason}).");
        }
        await sales.MarkVoidedAsync(sale.Id, now, context.RequestAborted);
        return TypedResults.Ok(new SaleVoided(sale.Id, sale.AmountCents, result.BalancesAfter.Single().BalanceCents));
    }

    static async Task<IResult> GetCardAsync(string uid, HttpContext context, Catalogue catalogue, IGrainFactory grains)
    {
        var terminal = Caller(context);
        if (await catalogue.CardHolderAsync(terminal.SchoolId, uid, context.RequestAborted) is not { } holder)
        {
            return Problem(404, "unknown_card", "Carte inconnue ou désactivée.");
        }
        var compartment = (await grains.GetGrain<IPurseGrain>(holder.PupilId).GetCompartmentsAsync())
            .Single(c => c.Compartment == terminal.Compartment);
        return TypedResults.Ok(new CardInfo(holder.FirstName, compartment.BalanceCents, compartment.BalanceCents - compartment.FloorCents));
    }

    static IResult Replay(StoredAnswer answer, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(answer.RequestHash, hash)
            ? Results.Content(answer.ResponseJson, answer.StatusCode == 201 ? "application/json" : "application/problem+json",
                statusCode: answer.StatusCode)
            : Problem(409, "idempotency_key_reused", "Cet identifiant de vente a déjà servi pour une autre vente.");

    static IResult Problem(int status, string code, string title) =>
        Results.Content(ProblemJson(status, code, title), "application/problem+json", statusCode: status);

    static string ProblemJson(int status, string code, string title, params (string Name, object? Value)[] extensions)
    {
        var problem = new Dictionary<string, object?>
        {
            ["type"] = $"https://itschool.example/problems/pos/{code}",
            ["title"] = title,
            ["status"] = status,
            ["code"] = code,
        };
        foreach (var (name, value) in extensions)
        {
            problem[name] = value;
        }
        return JsonSerializer.Serialize(problem, Json);
    }
}

public sealed record SaleRequest(string? CardUid, IReadOnlyList<SaleLineRequest>? Lines);

public sealed record SaleLineRequest(string? ArticleCode, int Quantity, long? UnitPriceCents);

public sealed record PricedLine(string ArticleCode, string Label, int Quantity, long UnitPriceCents, long TotalCents);

public sealed record SaleAccepted(Guid SaleId, long AmountCents, long BalanceCents, string FirstName, long EntryId);

public sealed record SaleVoided(Guid SaleId, long RefundedCents, long BalanceCents);

public sealed record CardInfo(string FirstName, long BalanceCents, long AvailableCents);