namespace ItSchool.Wallets;

/// <summary>A query over one pupil's ledger: a period (from inclusive, to exclusive) and optional filters.</summary>
public sealed record LedgerSearch(
    Guid SchoolId,
    Guid PupilId,
    DateTimeOffset From,
    DateTimeOffset To,
    int? Compartment = null,
    MovementKind? Kind = null,
    PaymentMethod? Method = null,
    int Page = 1,
    int PageSize = 50);

public sealed record LedgerPage(IReadOnlyList<LedgerLine> Lines, int Total, long SumCents);