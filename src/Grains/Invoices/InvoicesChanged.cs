using ItSchool.Live;

namespace ItSchool.Invoices;

/// <summary>One of a pupil's invoices changed (a payment, a credit note): the parents' invoice list reads itself again.</summary>
[GenerateSerializer, Immutable]
public sealed record InvoicesChanged(Guid SchoolId, [property: Id(1)] Guid PupilId) : LiveChange(SchoolId)
{
    public override IReadOnlyList<string> Topics => [Topic(PupilId)];

    public static string Topic(Guid pupilId) => $"invoices:{pupilId}";
}