using ItSchool.Wallets;

namespace ItSchool.Live;

/// <summary>Something a grain changed that open pages should show at once.</summary>
[GenerateSerializer, Immutable]
public abstract record LiveChange([property: Id(0)] Guid SchoolId);

/// <summary>A purse moved money: its balances now, and the entries just written.</summary>
[GenerateSerializer, Immutable]
public sealed record PurseChanged(
    Guid SchoolId,
    [property: Id(1)] Guid PupilId,
    [property: Id(2)] IReadOnlyList<CompartmentBalance> Balances,
    [property: Id(3)] IReadOnlyList<LedgerLine> Entries) : LiveChange(SchoolId);
/// <summary>Something about a pupil changed that pages show in their own way (a sale's articles in the journal).</summary>
[GenerateSerializer, Immutable]
public sealed record PupilActivity(Guid SchoolId, [property: Id(1)] Guid PupilId) : LiveChange(SchoolId);