using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ItSchool.Live;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging;

namespace ItSchool.PointOfSale;

/// <summary>
/// Posting one sale, for the terminals' API and the canteen's till alike — both call <see cref="PostAsync"/>
/// with the same typed request: price the lines from the school's articles, find the card's holder, debit
/// their purse, and keep the first answer per (terminal, sale id) so that a retry or a double tap gets that
/// answer again and moves money once. Voids likewise.
/// </summary>
/// <remarks>
/// No grain of its own, on purpose. The one decision that must be taken one at a time — does the pupil's
/// money cover this sale — is the purse grain's; the first answer per sale id is decided by PostgreSQL's
/// unique key on pos_sales (a concurrent insert of the same id waits, then both read the winner's answer);
/// a void moves money once under the purse key <c>pos-void/{sale}</c>. A terminal grain would add a hop to
/// every sale of a canteen rush and guard nothing more.
/// </remarks>
public sealed class SalePosting(SaleLookup lookup, PosSnapshots snapshots, PosSales sales, Terminals terminals, IGrainFactory grains,
    TimeProvider clock, ILogger<SalePosting> logger)
{
    /// <summary>How answers are kept in pos_sales.response: the typed answer, no words (they are the reader's).</summary>
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public const int MaxSaleIdLength = 100;

    public async Task<PosOutcome<SaleAccepted>> PostAsync(Terminal terminal, string? saleId, SaleRequest request,
        CancellationToken cancellationToken = default)
    {
        if (Key(saleId) is not { } key)
        {
            return PosProblem.IdempotencyKeyRequired;
        }
        var hash = Fingerprint(request);
        var outcome = await SellFromMemoryAsync(terminal, key, hash, request) ?? await SellAsync(terminal, key, hash, request, cancellationToken);
        SaleMetrics.Answered(outcome.Problem);
        return outcome;
    }

    /// <summary>
    /// A canteen's usual sale — a known card, known articles, money enough — in one round trip: priced from this node's snapshot
    /// of the school and written with its answer in the debit's commit, which refuses it if the school or the terminal changed
    /// since. Anything else answers null — an unknown card or article, a refusal, a retry, a refused commit — and the sale is
    /// then priced from the database, where its answer is decided.
    /// </summary>
    async Task<PosOutcome<SaleAccepted>?> SellFromMemoryAsync(Terminal terminal, string key, byte[] hash, SaleRequest request)
    {
        var school = await snapshots.OfAsync(terminal.SchoolId);
        if (school.Holder(request.CardUid) is not { } holder || Price(request, school.Articles) is not ({ } lines, null))
        {
            return null;
        }
        try
        {
            var result = await DebitAsync(terminal, key, hash, lines, school.Articles, holder, school.Version);
            return result is { Accepted: true, Replayed: false } ? Sold(terminal, key, lines, holder, result) : null;
        }
        catch (PurseUnavailableException)
        {
            return null;
        }
    }

    async Task<PosOutcome<SaleAccepted>> SellAsync(Terminal terminal, string key, byte[] hash, SaleRequest request, CancellationToken cancellationToken)
    {
        var found = await lookup.FindAsync(terminal, key, (request.Lines ?? []).Select(l => l.ArticleCode ?? ""), request.CardUid,
            cancellationToken);
        snapshots.Seen(terminal.SchoolId, found.SchoolVersion);
        if (!found.TerminalLive)
        {
            terminals.Forget(terminal);
            return PosProblem.InvalidKey;
        }
        if (found.Earlier is { } earlier)
        {
            return Replay(earlier, hash);
        }
        var now = clock.GetUtcNow();
        var id = SaleLines.SaleId(terminal.Id, key);
        var (lines, problem) = Price(request, found.Articles);
        if (problem is not null)
        {
            return await RecordAsync(new SaleRecord(id, terminal.SchoolId, terminal.Id, key, hash, problem.Status, Serialize(problem),
                null, null, null, null, now));
        }
        if (string.IsNullOrWhiteSpace(request.CardUid) || found.Holder is not { } holder)
        {
            return await RecordAsync(new SaleRecord(id, terminal.SchoolId, terminal.Id, key, hash, 404, Serialize(PosProblem.UnknownCard),
                null, null, null, null, now));
        }

        MovementResult result;
        try
        {
            result = await DebitAsync(terminal, key, hash, lines!, found.Articles, holder, null);
        }
        catch (PurseUnavailableException)
        {
            // Another request answered this sale id meanwhile (a refusal, or the same id on another card): its answer stands
            // and this debit was undone with its own answer's row. Or the terminal was revoked since the lookup. Otherwise
            // the purse was unavailable: nothing moved.
            if (await sales.FindAnswerAsync(terminal.Id, key, cancellationToken) is not { } winner)
            {
                if (!await terminals.IsLiveAsync(terminal, cancellationToken))
                {
                    return PosProblem.InvalidKey;
                }
                throw;
            }
            logger.LogInformation("Terminal {Terminal} sale {Key} answered twice at once; the first answer stands", terminal.Name, key);
            return Replay(winner, hash);
        }
        if (result.Replayed && await sales.FindAnswerAsync(terminal.Id, key, cancellationToken) is { } recorded)
        {
            // A request under this sale id was answered between the lookup and the purse: that answer stands.
            return Replay(recorded, hash);
        }
        if (!result.Accepted)
        {
            var amount = lines!.Sum(l => l.TotalCents);
            var declined = result.Reason switch
            {
                DeclineReason.InsufficientFunds => PosProblem.InsufficientFunds(result.AvailableCents, holder.FirstName),
                DeclineReason.DailyLimitExceeded => PosProblem.LimitExceeded(PosProblem.DailyLimit, result.AvailableCents, holder.FirstName),
                DeclineReason.WeeklyLimitExceeded => PosProblem.LimitExceeded(PosProblem.WeeklyLimit, result.AvailableCents, holder.FirstName),
                DeclineReason.ArticleNotAllowed => PosProblem.ArticleNotAllowed(holder.FirstName),
                _ => PosProblem.Declined(result.Reason.ToString()!, result.AvailableCents, holder.FirstName),
            };
            return await RecordAsync(new SaleRecord(id, terminal.SchoolId, terminal.Id, key, hash, declined.Status, Serialize(declined),
                holder.PupilId, amount, SaleLines.ToJson(lines!), null, now));
        }
        // Its answer was written with the debit (SaleAnswered).
        return Sold(terminal, key, lines!, holder, result);

        // A concurrent request with the same sale id may have recorded its answer first: both return that one.
        // Not published: the purse's own change reaches the pages (the journal reads itself again on it).
        async Task<PosOutcome<SaleAccepted>> RecordAsync(SaleRecord sale) => Replay(await sales.RecordAsync(sale, cancellationToken), hash);
    }

    /// <summary>The sale's debit, its answer attached: written in the debit's commit if accepted.</summary>
    async Task<MovementResult> DebitAsync(Terminal terminal, string key, byte[] hash,
        IReadOnlyList<PricedLine> lines, IReadOnlyDictionary<string, Article> articles, (Guid PupilId, string FirstName) holder, long? seenVersion)
    {
        var id = SaleLines.SaleId(terminal.Id, key);
        var amount = lines.Sum(l => l.TotalCents);
        var spend = new Spend(SaleLines.SpendKind(terminal.Kind), [.. lines.Select(l => l.ArticleCode).Distinct()],
            [.. lines.Select(l => articles[l.ArticleCode].Category).OfType<string>().Distinct()]);
        return await grains.GetGrain<IPurseGrain>(holder.PupilId).DebitAsync(new Debit(
            SaleLines.LedgerKey(terminal.Id, key), terminal.Compartment, amount, MovementKind.Sale, PaymentMethod.Wallet, SaleLines.Subject(lines),
            new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name),
            new SaleAnswered(id, terminal.SchoolId, terminal.Id, key, hash, holder.PupilId, amount, SaleLines.ToJson(lines), holder.FirstName,
                clock.GetUtcNow(), seenVersion), spend));
    }

    static PosOutcome<SaleAccepted> Sold(Terminal terminal, string key, IReadOnlyList<PricedLine> lines, (Guid PupilId, string FirstName) holder,
        MovementResult result) => new(new SaleAccepted(SaleLines.SaleId(terminal.Id, key), lines.Sum(l => l.TotalCents),
            result.BalancesAfter.Single().BalanceCents, holder.FirstName, result.EntryIds[0]), null);

    /// <summary>
    /// A request that is no sale at all (unreadable JSON): only an earlier answer under this sale id can say
    /// more — that the id already served another sale.
    /// </summary>
    public async Task<PosOutcome<SaleAccepted>> RefuseUnreadableAsync(Terminal terminal, string? saleId, CancellationToken cancellationToken = default) =>
        !await terminals.IsLiveAsync(terminal, cancellationToken) ? PosProblem.InvalidKey
        : Key(saleId) is not { } key ? PosProblem.IdempotencyKeyRequired
        : await sales.FindAnswerAsync(terminal.Id, key, cancellationToken) is not null ? PosProblem.IdempotencyKeyReused
        : PosProblem.MalformedJson;

    /// <summary>Voids a sale of this terminal, the same day (Brussels), by a new opposite entry; again, the same answer.</summary>
    public async Task<PosOutcome<SaleVoided>> VoidAsync(Terminal terminal, Guid saleId, CancellationToken cancellationToken = default)
    {
        if (await sales.FindSoldAsync(terminal.Id, saleId, cancellationToken) is not { } sale)
        {
            return PosProblem.UnknownSale;
        }
        var now = clock.GetUtcNow();
        if (sale.VoidedAt is null && SchoolTime.Day(sale.CreatedAt) != SchoolTime.Day(now))
        {
            return PosProblem.TooLate;
        }
        var result = await grains.GetGrain<IPurseGrain>(sale.PupilId).CreditAsync(new Credit(
            $"pos-void/{sale.Id}", terminal.Compartment, sale.AmountCents, MovementKind.Cancellation, PaymentMethod.Wallet,
            SaleLines.VoidSubject(SaleLines.FromJson(sale.LinesJson)), new Actor(ActorKind.Terminal, terminal.Id.ToString(), terminal.Name),
            Spend: SaleLines.SpendKind(terminal.Kind)));
        if (!result.Accepted)
        {
            return PosProblem.VoidDeclined(result.Reason.ToString()!);
        }
        await sales.MarkVoidedAsync(sale.Id, now, cancellationToken);
        return new PosOutcome<SaleVoided>(new SaleVoided(sale.Id, sale.AmountCents, result.BalancesAfter.Single().BalanceCents), null);
    }

    static string? Key(string? saleId) => saleId?.Trim() is { Length: > 0 and <= MaxSaleIdLength } key ? key : null;

    /// <summary>
    /// What makes two requests under one sale id "the same sale": the card and the lines as asked, whatever
    /// the JSON's spacing or property order (a terminal re-serialising its retry is still retrying).
    /// </summary>
    static byte[] Fingerprint(SaleRequest request) => SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Json));

    static (IReadOnlyList<PricedLine>? Lines, PosProblem? Problem) Price(SaleRequest request, IReadOnlyDictionary<string, Article> articles)
    {
        if (request.Lines is not { Count: > 0 and <= 50 } lines)
        {
            return (null, PosProblem.InvalidLines);
        }
        var priced = new List<PricedLine>();
        foreach (var (line, index) in lines.Select((l, i) => (l, i + 1)))
        {
            if (line.ArticleCode is null || !articles.TryGetValue(line.ArticleCode, out var article))
            {
                return (null, PosProblem.UnknownArticle(index, line.ArticleCode));
            }
            if (!article.Active)
            {
                return (null, PosProblem.ArticleWithdrawn(index, article.Label));
            }
            if (line.Quantity is < 1 or > 1000)
            {
                return (null, PosProblem.InvalidQuantity(index));
            }
            var unit = article.PriceCents;
            if (line.UnitPriceCents is { } sent)
            {
                if (!article.OpenPrice || sent is < 1 or > 100_000)
                {
                    return (null, PosProblem.PriceNotAllowed(index, article.Label));
                }
                unit = sent;
            }
            else if (article.OpenPrice)
            {
                return (null, PosProblem.PriceRequired(index, article.Label));
            }
            priced.Add(new PricedLine(article.Code, article.Label, line.Quantity, unit, unit * line.Quantity));
        }
        return priced.Sum(l => l.TotalCents) > 0 ? (priced, null) : (null, PosProblem.ZeroAmount);
    }

    static PosOutcome<SaleAccepted> Replay(StoredAnswer answer, byte[] hash) =>
        !CryptographicOperations.FixedTimeEquals(answer.RequestHash, hash) ? PosProblem.IdempotencyKeyReused
        : answer.StatusCode == 201 ? new PosOutcome<SaleAccepted>(JsonSerializer.Deserialize<SaleAccepted>(answer.ResponseJson, Json), null)
        // Answers kept before refusals were codes also carry a French title; the code and its fields are what is read.
        : JsonSerializer.Deserialize<PosProblem>(answer.ResponseJson, Json)! with { Status = answer.StatusCode };

    static string Serialize<T>(T answer) => JsonSerializer.Serialize(answer, Json);
}