using System.Security.Cryptography;
using System.Text.Json;
using ItSchool.Live;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// Posting one sale, for the terminals' API and the canteen's POS page alike: price the lines from the
/// school's articles, find the card's holder, debit their purse, and keep the first answer per
/// (terminal, sale id) so that a retry or a double tap gets that answer again and moves money once.
/// </summary>
public sealed class SalePosting(SaleLookup lookup, PosSales sales, IGrainFactory grains, TimeProvider clock, ILogger<SalePosting> logger)
{
    // A key given twice ("cardUid" of one pupil, then of another) is no sale: which one counts is not ours to guess.
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    /// <summary>The HTTP status and JSON body of the answer (a sale, or an RFC 7807 problem with a code).</summary>
    public async Task<(int Status, string Json)> PostAsync(Terminal terminal, string? idempotencyKey, byte[] body,
        CancellationToken cancellationToken)
    {
        var key = idempotencyKey?.Trim() ?? "";
        if (key.Length is 0 or > 100)
        {
            return (400, ProblemJson(400, "idempotency_key_required",
                "Chaque vente porte l'identifiant du terminal dans l'en-tête Idempotency-Key (1 à 100 caractères)."));
        }
        var hash = SHA256.HashData(body);
        SaleRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SaleRequest>(body, Json);
        }
        catch (JsonException)
        {
            request = null;
        }
        if (request is null)
        {
            // Not a sale at all: only an earlier answer under this id (a 409) can say more.
            return await sales.FindAnswerAsync(terminal.Id, key, cancellationToken) is { } before
                ? Replay(before, hash)
                : (400, ProblemJson(400, "malformed_json", "Le corps de la requête n'est pas un JSON de vente valable."));
        }

        var found = await lookup.FindAsync(terminal, key, (request.Lines ?? []).Select(l => l.ArticleCode ?? ""), request.CardUid,
            cancellationToken);
        if (found.Earlier is { } earlier)
        {
            return Replay(earlier, hash);
        }
        var now = clock.GetUtcNow();
        var saleId = Guid.CreateVersion7();
        var (lines, problem) = Price(request, found.Articles);
        if (problem is not null)
        {
            return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, 422, problem, null, null, null, null, now));
        }
        if (string.IsNullOrWhiteSpace(request.CardUid) || found.Holder is not { } holder)
        {
            return await RecordAsync(new SaleRecord(saleId, terminal.SchoolId, terminal.Id, key, hash, 404,
                ProblemJson(404, "unknown_card", "Carte inconnue ou désactivée."), null, null, null, null, now));
        }

        var priced = lines!;
        var amount = priced.Sum(l => l.TotalCents);
        var result = await grains.GetGrain<IPurseGrain>(holder.PupilId).DebitAsync(new Debit(
            SaleLines.LedgerKey(terminal.Id, key), terminal.Compartment, amount, MovementKind.Sale, PaymentMethod.Wallet, SaleLines.Subject(priced),
            new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name)));
        var linesJson = SaleLines.ToJson(priced);
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

        async Task<(int, string)> RecordAsync(SaleRecord sale)
        {
            // A concurrent request with the same sale id may have recorded its answer first: both return that one.
            // Not published: the purse's own change reaches the pages (the journal reads itself again on it).
            var stored = await sales.RecordAsync(sale, cancellationToken);
            if (stored.SaleId != sale.Id)
            {
                logger.LogInformation("Terminal {Terminal} sale {Key} answered twice at once; the first answer stands", terminal.Name, key);
            }
            return Replay(stored, hash);
        }
    }

    /// <summary>Voids a sale of this terminal, the same day (Brussels), by a new opposite entry; again, the same answer.</summary>
    public async Task<(int Status, string Json)> VoidAsync(Terminal terminal, Guid saleId, CancellationToken cancellationToken)
    {
        if (await sales.FindSoldAsync(terminal.Id, saleId, cancellationToken) is not { } sale)
        {
            return (404, ProblemJson(404, "unknown_sale", "Vente inconnue pour ce terminal."));
        }
        var now = clock.GetUtcNow();
        if (sale.VoidedAt is null && SchoolTime.Day(sale.CreatedAt) != SchoolTime.Day(now))
        {
            return (422, ProblemJson(422, "too_late", "Une vente ne peut être annulée que le jour même."));
        }
        var lines = SaleLines.FromJson(sale.LinesJson);
        var result = await grains.GetGrain<IPurseGrain>(sale.PupilId).CreditAsync(new Credit(
            $"pos-void/{sale.Id}", terminal.Compartment, sale.AmountCents, MovementKind.Cancellation, PaymentMethod.Wallet,
            "Annulation : " + SaleLines.Subject(lines)["Vente ".Length..], new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name)));
        if (!result.Accepted)
        {
            return (422, ProblemJson(422, "declined", $"Annulation refusée ({result.Reason})."));
        }
        await sales.MarkVoidedAsync(sale.Id, now, cancellationToken);
        return (200, JsonSerializer.Serialize(new SaleVoided(sale.Id, sale.AmountCents, result.BalancesAfter.Single().BalanceCents), Json));
    }

    static (IReadOnlyList<PricedLine>? Lines, string? Problem) Price(SaleRequest request, IReadOnlyDictionary<string, Article> articles)
    {
        if (request.Lines is not { Count: > 0 and <= 50 } lines)
        {
            return (null, ProblemJson(422, "invalid_lines", "Une vente compte de 1 à 50 lignes."));
        }
        var priced = new List<PricedLine>();
        foreach (var (line, index) in lines.Select((l, i) => (l, i + 1)))
        {
            if (line.ArticleCode is null || !articles.TryGetValue(line.ArticleCode, out var article))
            {
                return (null, ProblemJson(422, "unknown_article", $"Ligne {index} : article « {line.ArticleCode} » inconnu."));
            }
            if (!article.Active)
            {
                return (null, ProblemJson(422, "article_withdrawn", $"Ligne {index} : « {article.Label} » n'est plus en vente."));
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

    static (int, string) Replay(StoredAnswer answer, byte[] hash) =>
        CryptographicOperations.FixedTimeEquals(answer.RequestHash, hash)
            ? (answer.StatusCode, answer.ResponseJson)
            : (409, ProblemJson(409, "idempotency_key_reused", "Cet identifiant de vente a déjà servi pour une autre vente."));

    public static string ProblemJson(int status, string code, string title, params (string Name, object? Value)[] extensions)
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