using System.Text.Json.Serialization;

namespace ItSchool.PointOfSale;

/// <summary>A sale as a terminal (through the API) or the till asks for it: the card and the articles, priced by the school.</summary>
public sealed record SaleRequest(string? CardUid, IReadOnlyList<SaleLineRequest>? Lines);

public sealed record SaleLineRequest(string? ArticleCode, int Quantity, long? UnitPriceCents);

public sealed record SaleAccepted(Guid SaleId, long AmountCents, long BalanceCents, string FirstName, long EntryId);

public sealed record SaleVoided(Guid SaleId, long RefundedCents, long BalanceCents);

/// <summary>What a sale or a void came to: done, or refused with a problem.</summary>
public sealed record PosOutcome<T>(T? Done, PosProblem? Problem) where T : class
{
    public static implicit operator PosOutcome<T>(PosProblem problem) => new(null, problem);
}

/// <summary>
/// A refusal. <see cref="Code"/> is the API's contract (a terminal acts on it); the words a person reads are
/// the web tier's, chosen by <see cref="MessageKey"/> and filled with the other fields. Kept as JSON with the
/// sale's answer, so that a retry of the same sale id gets the same refusal, in the reader's language.
/// </summary>
public sealed record PosProblem(int Status, string Code, string? Message = null, int? Line = null, string? Article = null,
    long? AvailableCents = null, string? FirstName = null, string? Reason = null)
{
    /// <summary>Which text says it: most codes have one; invalid_lines and declined have two.</summary>
    [JsonIgnore]
    public string MessageKey => Message ?? Code;

    /// <summary>The terminal was revoked since this node last saw its key.</summary>
    public static PosProblem InvalidKey { get; } = new(401, "invalid_key");
    public static PosProblem IdempotencyKeyRequired { get; } = new(400, "idempotency_key_required");
    public static PosProblem MalformedJson { get; } = new(400, "malformed_json");
    public static PosProblem IdempotencyKeyReused { get; } = new(409, "idempotency_key_reused");
    public static PosProblem UnknownCard { get; } = new(404, "unknown_card");
    public static PosProblem InvalidLines { get; } = new(422, "invalid_lines");
    public static PosProblem ZeroAmount { get; } = new(422, "invalid_lines", "zero_amount");
    public static PosProblem UnknownSale { get; } = new(404, "unknown_sale");
    public static PosProblem TooLate { get; } = new(422, "too_late");

    public static PosProblem UnknownArticle(int line, string? code) => new(422, "unknown_article", Line: line, Article: code);

    public static PosProblem ArticleWithdrawn(int line, string label) => new(422, "article_withdrawn", Line: line, Article: label);

    public static PosProblem InvalidQuantity(int line) => new(422, "invalid_quantity", Line: line);

    public static PosProblem PriceNotAllowed(int line, string label) => new(422, "price_not_allowed", Line: line, Article: label);

    public static PosProblem PriceRequired(int line, string label) => new(422, "price_required", Line: line, Article: label);

    public static PosProblem InsufficientFunds(long? availableCents, string firstName) =>
        new(402, "insufficient_funds", AvailableCents: availableCents, FirstName: firstName);

    /// <summary>The periods a limit_exceeded refusal names (its <see cref="Reason"/>).</summary>
    public const string DailyLimit = "daily";
    public const string WeeklyLimit = "weekly";

    /// <summary>The child's spending limit would be passed; what is left today comes with it.</summary>
    public static PosProblem LimitExceeded(string period, long? availableCents, string firstName) =>
        new(402, "limit_exceeded", $"limit_exceeded_{period}", AvailableCents: availableCents, FirstName: firstName, Reason: period);

    /// <summary>A guardian said this child may not buy one of the articles (or its category).</summary>
    public static PosProblem ArticleNotAllowed(string firstName) => new(403, "article_not_allowed", FirstName: firstName);

    public static PosProblem Declined(string reason, long? availableCents, string firstName) =>
        new(422, "declined", AvailableCents: availableCents, FirstName: firstName, Reason: reason);

    public static PosProblem VoidDeclined(string reason) => new(422, "declined", "void_declined", Reason: reason);
}