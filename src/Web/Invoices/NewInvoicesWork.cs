using ItSchool.Invoices;
using ItSchool.Web.Work;
using ItSchool.Work;

namespace ItSchool.Web.Invoices;

/// <summary>
/// "Nouvelle facture" for more pupils than a class (whole years, the whole school), as background work. Each pupil's
/// invoice id is decided by the form's key, so a run taken up again after its node died issues only what is missing.
/// </summary>
public sealed class NewInvoicesWork(IGrainFactory grains) : IWorkKind
{
    public const string Name = "new-invoices";

    /// <summary>A form for this many pupils or fewer is issued in its request, and its answer is the invoices' list at once.</summary>
    public const int InlineAtMost = 30;

    /// <summary>The invoice as the form decided it (checked before it was queued), and its pupils.</summary>
    public sealed record Arguments(string Key, NewInvoice Invoice, IReadOnlyList<Guid> Pupils);

    public string Kind => Name;

    public async Task<WorkOutcome> RunAsync(WorkItem item, WorkProgress progress, CancellationToken cancellationToken)
    {
        var (key, invoice, pupils) = item.ArgumentsAs<Arguments>();
        for (var i = 0; i < pupils.Count; i++)
        {
            if (i % 10 == 0)
            {
                await progress.ReportAsync(i, pupils.Count, cancellationToken);
            }
            var result = await grains.GetGrain<IInvoiceGrain>(SchoolInvoicePages.InvoiceId(key, pupils[i])).IssueAsync(invoice with { PupilId = pupils[i] });
            if (result.Problem is { } problem)
            {
                // The form was checked before it was queued: this is no longer the same school's setup; the item is retried, then given up.
                throw new InvalidOperationException($"The invoice of pupil {pupils[i]} was refused: {problem}");
            }
        }
        return new WorkOutcome("gestion/factures", "factures-emises", pupils.Count);
    }
}