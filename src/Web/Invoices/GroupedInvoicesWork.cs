using ItSchool.Invoices;
using ItSchool.Wallets;
using ItSchool.Web.Work;
using ItSchool.Work;

namespace ItSchool.Web.Invoices;

/// <summary>
/// "Facturer" on the charges of a period, as background work: one invoice per pupil with unbilled charges. Taken up
/// again after its node died, it issues only what is missing (each pupil's charges are claimed for an invoice whose id
/// the form's key decides, see <see cref="Charges.InvoiceAsync"/>), and its notice counts every invoice the key issued.
/// </summary>
public sealed class GroupedInvoicesWork(Charges charges, IGrainFactory grains) : IWorkKind
{
    public const string Name = "grouped-invoices";

    public sealed record Arguments(string Key, string Label, DateOnly From, DateOnly To, DateOnly IssuedOn, DateOnly DueOn, string ActorId,
        string ActorName);

    public string Kind => Name;

    public async Task<WorkOutcome> RunAsync(WorkItem item, WorkProgress progress, CancellationToken cancellationToken)
    {
        var a = item.ArgumentsAs<Arguments>();
        await charges.InvoiceAsync(grains, item.SchoolId, a.Key, a.Label, a.From, a.To, a.IssuedOn, a.DueOn,
            new Actor(ActorKind.User, a.ActorId, a.ActorName), (done, total) => progress.ReportAsync(done, total, cancellationToken), cancellationToken);
        return new WorkOutcome("gestion/factures", "factures-emises", await charges.IssuedCountAsync(item.SchoolId, a.Key, cancellationToken));
    }
}