namespace ItSchool.Wallets;

/// <summary>
/// A pupil's purse (keyed by the pupil's id): every movement of that pupil's money goes through it, one
/// at a time in order, so two terminals can never spend the same euro twice.
/// </summary>
public interface IPurseGrain : IGrainWithGuidKey
{
    Task<MovementResult> CreditAsync(Credit credit);

    /// <remarks>
    /// A debit takes milliseconds. A caller whose debit went to a silo that then died would otherwise wait the cluster's
    /// 30-s response timeout (a web node is not told when a silo dies); after 5 s it gets a TimeoutException and retries
    /// with the same key, which the purse answers once.
    /// </remarks>
    [ResponseTimeout("00:00:05")]
    Task<MovementResult> DebitAsync(Debit debit);

    Task<MovementResult> TransferAsync(Transfer transfer);

    // A page waits on this read: 10 s, not the cluster's 30, when the silo that held the grain has died.
    [ResponseTimeout("00:00:10")]
    Task<IReadOnlyList<CompartmentView>> GetCompartmentsAsync();

    /// <summary>A guardian or the school changed a low-balance threshold or a spending rule: the purse reads them again.</summary>
    Task RulesChangedAsync();

    /// <summary>The compartments with the purse's version, for a page that follows the purse live.</summary>
    [ResponseTimeout("00:00:10")]
    Task<PurseView> GetPurseAsync();
}

[GenerateSerializer, Immutable]
public sealed record PurseView([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<CompartmentView> Compartments);