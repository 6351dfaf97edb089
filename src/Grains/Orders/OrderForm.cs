namespace ItSchool.Orders;

public enum OrderKind
{
    /// <summary>The photographer's order: per pupil, the proofs shown beside the articles (formats, packs).</summary>
    Photos = 1,
    /// <summary>The school's e-shop: T-shirts, gourds… with sizes and stock.</summary>
    Shop = 2,
    /// <summary>A form such as "Location-retour chromebooks".</summary>
    Form = 3,
}

public enum OrderPayment
{
    /// <summary>Debited from the pupil's wallet (the form's compartment) the moment the order is placed.</summary>
    Wallet = 1,
    /// <summary>An invoice of its own, with its structured communication, issued the moment the order is placed.</summary>
    Invoice = 2,
}

/// <summary>
/// A form as the school set it: open to its classes (null: every class) from <see cref="OpensOn"/> to <see cref="ClosesOn"/>
/// inclusive, in the school's days. <see cref="Version"/> grows with every change the school makes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderForm(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] OrderKind Kind,
    [property: Id(3)] string Title,
    [property: Id(4)] string Description,
    [property: Id(5)] DateOnly OpensOn,
    [property: Id(6)] DateOnly ClosesOn,
    [property: Id(7)] IReadOnlyList<string>? Classes,
    [property: Id(8)] OrderPayment Payment,
    [property: Id(9)] int? Compartment,
    [property: Id(10)] int DueDays,
    [property: Id(11)] IReadOnlyList<OrderArticle> Articles,
    [property: Id(12)] int Version)
{
    public bool IsOpenOn(DateOnly day) => OpensOn <= day && day <= ClosesOn;

    public bool IsFor(string className) => Classes is null || Classes.Contains(className, StringComparer.Ordinal);

    public OrderArticle? Article(string code) => Articles.FirstOrDefault(a => a.Code == code);
}

/// <summary>An article at its price; <see cref="Options"/> has one option named "" when the article has no choice of size.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderArticle(
    [property: Id(0)] string Code,
    [property: Id(1)] string Label,
    [property: Id(2)] long PriceCents,
    [property: Id(3)] int? LimitPerPupil,
    [property: Id(4)] IReadOnlyList<OrderOption> Options,
    [property: Id(5)] bool Withdrawn)
{
    public OrderOption? Option(string name) => Options.FirstOrDefault(o => o.Name == name);
}

/// <summary>A size (or other choice) with the stock the school has in all, placed orders included; null: no limit.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderOption([property: Id(0)] string Name, [property: Id(1)] int? Stock);

/// <summary>The limits the database holds the school's input to.</summary>
public static class OrderLimits
{
    public const int Title = 120;
    public const int Description = 2000;
    public const int Label = 120;
    public const int Option = 20;
    public const int Key = 100;
    public const int MaxQuantity = 1000;
    public const long MaxPriceCents = 10_000_000;
}