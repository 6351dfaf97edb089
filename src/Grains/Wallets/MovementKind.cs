namespace ItSchool.Wallets;

/// <summary>What a ledger entry is, in the words of the parents' "Opérations financières".</summary>
public enum MovementKind
{
    BankTopUp = 1,
    OnlineTopUp = 2,
    InternalTransfer = 3,
    Sale = 4,
    MealReservation = 5,
    Cancellation = 6,
    InvoicePayment = 7,
    Refund = 8,
    Correction = 9,
    Order = 10,
}

public enum PaymentMethod
{
    BankTransfer = 1,
    Bancontact = 2,
    Card = 3,
    Wallet = 4,
    Cash = 5,
    /// <summary>Anything else a manager records by hand on an invoice (a cheque, a payment taken elsewhere), with a note.</summary>
    Other = 6,
}

/// <summary>Who or what caused a movement: a person, a terminal, an import, a payment provider.</summary>
public enum ActorKind
{
    User = 1,
    Terminal = 2,
    Import = 3,
    PaymentProvider = 4,
    System = 5,

    /// <summary>A program calling an API with one of the school's keys; the name is the key's.</summary>
    ApiKey = 6,
}

[GenerateSerializer, Immutable]
public sealed record Actor([property: Id(0)] ActorKind Kind, [property: Id(1)] string? Id, [property: Id(2)] string? Name)
{
    public static Actor System { get; } = new(ActorKind.System, null, "ItSchool");
}

/// <summary>The database's spelling of the enums: snake case words, readable in SQL reports.</summary>
public static class LedgerNames
{
    public static string ToDatabase<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static T FromDatabase<T>(string value) where T : struct, Enum =>
        Enum.Parse<T>(value.Replace("_", ""), ignoreCase: true);
}