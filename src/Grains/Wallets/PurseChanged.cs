using ItSchool.Live;

namespace ItSchool.Wallets;

/// <summary>A purse moved money: its compartments now, and the entries just written. Also how a sale reaches the pages.</summary>
[GenerateSerializer, Immutable]
public sealed record PurseChanged(
    Guid SchoolId,
    [property: Id(1)] Guid PupilId,
    [property: Id(2)] long PurseVersion,
    [property: Id(3)] IReadOnlyList<CompartmentView> Compartments,
    [property: Id(4)] IReadOnlyList<LedgerLine> Entries) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [Topic(PupilId)];

    public override long Version => PurseVersion;

    public static string Topic(Guid pupilId) => $"purse:{pupilId}";
}