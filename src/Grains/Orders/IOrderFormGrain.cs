using ItSchool.Wallets;

namespace ItSchool.Orders;

/// <summary>
/// One order form (keyed by the form's id): the only place its orders are decided, one decision at a time against the
/// stock that every order placed before it already holds, so the last T-shirt M is never sold twice. It takes the
/// payment (the wallet's debit, or the order's own invoice) and gives it back when an order is cancelled.
/// </summary>
public interface IOrderFormGrain : IGrainWithGuidKey
{
    /// <summary>Places an order; the same key again answers the same order, moving nothing twice.</summary>
    Task<OrderResult> PlaceAsync(PlaceOrder request);

    /// <summary>Cancels an order while the form is open and the order is not delivered: the wallet is refunded or the invoice credited.</summary>
    Task<OrderCancelResult> CancelAsync(CancelOrder request);

    /// <summary>Marks orders handed out (a delivered order can no longer be cancelled); answers how many changed.</summary>
    Task<int> MarkDeliveredAsync(IReadOnlyList<Guid> orderIds, Actor causedBy);

    Task<IReadOnlyList<OrderView>> GetOrdersAsync();

    /// <summary>What is left of each article's option with a stock, this moment.</summary>
    Task<IReadOnlyList<StockLeft>> GetStockAsync();

    /// <summary>The school changed the form (articles, stock, dates): the grain reads it again before its next decision.</summary>
    Task FormChangedAsync();

    /// <summary>
    /// The school begins saving a change to the form: from now until <see cref="EndChangeAsync"/> (or half a minute, if the
    /// saving node dies) no order is decided, and the answer is every option's quantity held this moment, orders still
    /// being paid included: what the save must check its stocks and prices against.
    /// </summary>
    Task<IReadOnlyList<OptionHeld>> BeginChangeAsync(Guid saveId);

    /// <summary>The save ended (written or refused): the grain reads the form again, then decides the orders that waited.</summary>
    Task EndChangeAsync(Guid saveId);
}

public static class OrderForms
{
    public static IOrderFormGrain OrderForm(this IGrainFactory grains, Guid formId) => grains.GetGrain<IOrderFormGrain>(formId);
}

[GenerateSerializer, Immutable]
public sealed record OrderLineRequest([property: Id(0)] string ArticleCode, [property: Id(1)] string Option, [property: Id(2)] int Quantity);

/// <summary>
/// A guardian's (or the school's) order for one pupil. <see cref="ExpectedTotalCents"/> is the total the page showed: an
/// order is never taken at another price than the one the parent saw. <see cref="SchoolId"/> is the school the request
/// came through: a form of another school is unknown.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlaceOrder(
    [property: Id(0)] string Key,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] Guid PupilId,
    [property: Id(3)] IReadOnlyList<OrderLineRequest> Lines,
    [property: Id(4)] long ExpectedTotalCents,
    [property: Id(5)] Actor CausedBy);

/// <summary>
/// A guardian cancels their child's order while the form is open; the school (<see cref="BySchool"/>, a manager) may
/// also cancel one after the form closed, as long as it is not delivered. <see cref="PupilId"/> must be the order's.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CancelOrder(
    [property: Id(0)] Guid SchoolId,
    [property: Id(1)] Guid OrderId,
    [property: Id(2)] Guid PupilId,
    [property: Id(3)] Actor CausedBy,
    [property: Id(4)] bool BySchool = false);

public enum OrderStatus
{
    Placed = 1,
    Cancelled = 2,
}

public enum OrderRefusal
{
    InvalidRequest = 1,
    UnknownForm = 2,
    NotOpenYet = 3,
    Closed = 4,
    /// <summary>Not a pupil of the form's school, or of none of its classes.</summary>
    NotForPupil = 5,
    /// <summary>No quantity above zero.</summary>
    Empty = 6,
    UnknownArticle = 7,
    UnknownOption = 8,
    /// <summary><see cref="OrderResult.ArticleCode"/>, <see cref="OrderResult.Option"/> and <see cref="OrderResult.Left"/> say which and how many are left.</summary>
    OutOfStock = 9,
    /// <summary><see cref="OrderResult.ArticleCode"/> and <see cref="OrderResult.Left"/> say which and how many more the pupil may have.</summary>
    OverLimit = 10,
    /// <summary>The total is not the one the page showed (a price changed, or the form was forged).</summary>
    PriceChanged = 11,
    InsufficientFunds = 12,
    PaymentDeclined = 13,
    /// <summary>The payment could not be confirmed yet; the grain finishes (or undoes) the order on its own.</summary>
    InProgress = 14,
}

[GenerateSerializer, Immutable]
public sealed record OrderLine(
    [property: Id(0)] string ArticleCode,
    [property: Id(1)] string Option,
    [property: Id(2)] string Label,
    [property: Id(3)] int Quantity,
    [property: Id(4)] long UnitCents)
{
    public long TotalCents => Quantity * UnitCents;
}

/// <summary>An order as placed: its lines at the prices of that moment, how it is paid (the invoice's id is the order's own).</summary>
[GenerateSerializer, Immutable]
public sealed record OrderView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid FormId,
    [property: Id(2)] Guid SchoolId,
    [property: Id(3)] Guid PupilId,
    [property: Id(4)] string RequestKey,
    [property: Id(5)] IReadOnlyList<OrderLine> Lines,
    [property: Id(6)] long TotalCents,
    [property: Id(7)] OrderPayment Payment,
    [property: Id(8)] int? Compartment,
    [property: Id(9)] Guid? InvoiceId,
    [property: Id(10)] OrderStatus Status,
    [property: Id(11)] Actor PlacedBy,
    [property: Id(12)] DateTimeOffset PlacedAt,
    [property: Id(13)] DateTimeOffset? CancelledAt,
    [property: Id(14)] DateTimeOffset? DeliveredAt)
{
    public string DebitKey => $"order/{Id}";

    public string RefundKey => $"order-refund/{Id}";

    public bool Holds => Status == OrderStatus.Placed;

    // The lines compare by their content: the same order read twice, or answered twice, is the same order.
    public bool Equals(OrderView? other) => other is not null && Id == other.Id && FormId == other.FormId && SchoolId == other.SchoolId
        && PupilId == other.PupilId && RequestKey == other.RequestKey && Lines.SequenceEqual(other.Lines) && TotalCents == other.TotalCents
        && Payment == other.Payment && Compartment == other.Compartment && InvoiceId == other.InvoiceId && Status == other.Status
        && PlacedBy == other.PlacedBy && PlacedAt == other.PlacedAt && CancelledAt == other.CancelledAt && DeliveredAt == other.DeliveredAt;

    public override int GetHashCode() => HashCode.Combine(Id, Status, CancelledAt, DeliveredAt);

    public int Quantity(string articleCode, string? option = null) =>
        Lines.Where(l => l.ArticleCode == articleCode && (option is null || l.Option == option)).Sum(l => l.Quantity);
}

/// <summary>
/// Placed (<see cref="Order"/>; <see cref="BalanceCents"/> the compartment right after a wallet payment) or refused with a
/// code and what explains it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] OrderRefusal? Refusal,
    [property: Id(2)] string? ArticleCode = null,
    [property: Id(3)] string? Option = null,
    [property: Id(4)] int? Left = null,
    [property: Id(5)] long? AvailableCents = null,
    [property: Id(6)] long? BalanceCents = null)
{
    public bool Placed => Refusal is null;

    public static OrderResult Refused(OrderRefusal refusal) => new(null, refusal);
}

public enum OrderCancelRefusal
{
    UnknownOrder = 1,
    Closed = 2,
    Delivered = 3,
    InProgress = 4,
    InvalidRequest = 5,
}

/// <summary>
/// Cancelled (the refund or the credit note done, or still on its way when <see cref="Settled"/> is false) or refused. An
/// order cancelled before is answered as it is: a second click cancels nothing twice.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderCancelResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] OrderCancelRefusal? Refusal,
    [property: Id(2)] bool Settled = false)
{
    public static OrderCancelResult Refused(OrderCancelRefusal refusal) => new(null, refusal);
}

/// <summary>How many of an article's option the form's orders hold (placed, or decided and being paid).</summary>
[GenerateSerializer, Immutable]
public sealed record OptionHeld([property: Id(0)] string ArticleCode, [property: Id(1)] string Option, [property: Id(2)] int Quantity);

[GenerateSerializer, Immutable]
public sealed record StockLeft([property: Id(0)] string ArticleCode, [property: Id(1)] string Option, [property: Id(2)] int Left);